-- One store's shifts on the given planned days (today and tomorrow in the report).
select business_date, role, shift_no, shift_start, shift_end, hours
from plan.shifts
where run_date = :run_date and store_id = :store_id
  and business_date between :first_day and :last_day
order by business_date, role, shift_start, shift_no
