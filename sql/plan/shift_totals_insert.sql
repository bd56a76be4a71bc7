insert into plan.shift_totals
    (run_date, store_id, business_date, role, shifts, staff_hours, need_hours, gap_hours)
values
    (:run_date, :store_id, :business_date, :role, :shifts, :staff_hours, :need_hours, :gap_hours)
