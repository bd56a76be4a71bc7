-- Tomorrow's staffing plan per store and hour: staff per role at the planned traffic quantile
-- (P80 by default), from the latest nightly plan. "Tomorrow" is the day after that plan's
-- run_date, so the query answers the same way when re-run later.
with latest as (
    select max(run_date) as run_date from plan.staffing
)
select
    st.name as store,
    p.ts_local,
    p.planned_quantile,
    round(p.traffic_planned::numeric, 1) as traffic_planned,
    sum(p.staff) filter (where p.role = 'cashier') as cashiers,
    sum(p.staff) filter (where p.role = 'floor') as floor_staff,
    sum(p.staff) as total_staff
from plan.staffing p
join latest l on p.run_date = l.run_date
join analytics.stores st using (store_id)
where p.business_date = l.run_date + 1
  and p.binding_rule <> 'closed'
group by st.name, p.ts_local, p.planned_quantile, p.traffic_planned
order by st.name, p.ts_local;
