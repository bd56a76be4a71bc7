-- Staff-hours each store was planned for each day by the night before it (all roles).
select
    business_date::timestamp at time zone 'UTC' as time,
    store_id as metric,
    sum(staff_hours) as value
from plan.shift_totals
where business_date = run_date + 1
group by business_date, store_id
order by time, metric
