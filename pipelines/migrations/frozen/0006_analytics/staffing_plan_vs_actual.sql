-- The staffing plan next to what happened, per store and hour. Each business date is judged by
-- the plan it was worked from: the latest run_date before that date (plans cover the next seven
-- days and are remade nightly). Actuals are NULL until that day's staffing and door counts land.
create or replace view analytics.staffing_plan_vs_actual as
with plan_run as (
    select store_id, business_date, max(run_date) as run_date
    from plan.staffing
    where run_date < business_date
    group by store_id, business_date
), planned as (
    select
        p.store_id,
        p.business_date,
        p.ts_local,
        p.run_date,
        sum(p.staff)::int as planned_staff,
        sum(p.staff) filter (where p.role = 'cashier')::int as planned_cashiers,
        sum(p.staff) filter (where p.role = 'floor')::int as planned_floor,
        -- The same on every role's row of an hour.
        max(p.planned_quantile) as planned_quantile,
        max(p.traffic_p50) as traffic_p50,
        max(p.traffic_planned) as traffic_planned,
        max(p.model_version) as model_version
    from plan.staffing p
    join plan_run r using (store_id, business_date, run_date)
    group by p.store_id, p.business_date, p.ts_local, p.run_date
)
select
    p.store_id,
    p.business_date,
    p.ts_local,
    p.run_date as plan_run_date,
    p.planned_staff,
    p.planned_cashiers,
    p.planned_floor,
    s.staff_on_duty as actual_staff,
    s.staff_on_duty - p.planned_staff as staff_difference,
    p.planned_quantile,
    p.traffic_p50,
    p.traffic_planned,
    d.count as actual_traffic,
    d.count - p.traffic_planned as traffic_difference,
    p.model_version
from planned p
left join core.staffing s on s.store_id = p.store_id and s.ts_local = p.ts_local
left join core.door_counts d on d.store_id = p.store_id and d.ts_local = p.ts_local;

comment on view analytics.staffing_plan_vs_actual is
    'Planned staff (all roles, from the latest plan made before the date) vs staff on duty and '
    'door counts, per store and hour. One row per planned store-hour, closed hours included.';
comment on column analytics.staffing_plan_vs_actual.business_date is
    'Business date the hour belongs to (after-midnight hours belong to the previous day).';
comment on column analytics.staffing_plan_vs_actual.plan_run_date is
    'run_date of the plan used: the latest one before business_date.';
comment on column analytics.staffing_plan_vs_actual.planned_staff is
    'Planned staff in the hour, summed over roles (cashier + floor).';
comment on column analytics.staffing_plan_vs_actual.actual_staff is
    'Staff on duty that hour (core.staffing); NULL until the day has landed.';
comment on column analytics.staffing_plan_vs_actual.staff_difference is
    'actual_staff - planned_staff: negative = fewer people than planned (understaffed).';
comment on column analytics.staffing_plan_vs_actual.traffic_p50 is
    'Median traffic forecast the plan saw for the hour.';
comment on column analytics.staffing_plan_vs_actual.traffic_planned is
    'Traffic the plan was sized for (the planned_quantile, e.g. p80).';
comment on column analytics.staffing_plan_vs_actual.actual_traffic is
    'Visitors counted at the door; NULL when not landed yet or the counter was out.';
comment on column analytics.staffing_plan_vs_actual.traffic_difference is
    'actual_traffic - traffic_planned: positive = busier than the plan was sized for.';
