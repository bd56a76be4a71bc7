-- Stores that have a staffing plan for the run date: exactly the stores that get a report.
select distinct store_id
from plan.staffing
where run_date = :run_date
order by store_id
