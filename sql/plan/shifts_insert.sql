insert into plan.shifts
    (run_date, store_id, business_date, role, shift_no, shift_start, shift_end, hours)
values
    (:run_date, :store_id, :business_date, :role, :shift_no, :shift_start, :shift_end, :hours)
