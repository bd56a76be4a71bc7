-- Tonight's staffing plan per store and day: idle staff-hours, hours at the store maximum and
-- open hours. Idle = paid shift hours beyond the hourly plan (shift_totals: staff_hours -
-- need_hours, what shift-length rules cost) plus, in hours where only the minimum crew is
-- planned, the people beyond what the forecast traffic needs (staff - required).
with hourly as (
    select store_id,
           business_date as date,
           sum(case when binding_rule = 'minimum' then staff - required else 0 end)::float
               as minimum_slack,
           count(distinct ts_local) filter (where binding_rule = 'maximum')::float
               as maximum_hours,
           count(distinct ts_local) filter (where binding_rule <> 'closed')::float as open_hours
    from plan.staffing
    where run_date = :run_date
    group by store_id, business_date
), shifts as (
    select store_id, business_date as date, sum(staff_hours - need_hours)::float as gap_hours
    from plan.shift_totals
    where run_date = :run_date
    group by store_id, business_date
)
select h.store_id,
       h.date,
       greatest(coalesce(s.gap_hours, 0) + h.minimum_slack, 0) as slack_hours,
       h.maximum_hours,
       h.open_hours
from hourly h
left join shifts s using (store_id, date)
order by h.store_id, h.date
