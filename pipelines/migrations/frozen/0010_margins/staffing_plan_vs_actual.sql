-- The staffing plan next to what happened, per store and hour. Each business date is judged by
-- the plan it was worked from: the latest run_date before that date (plans cover the next seven
-- days and are remade nightly). Actuals are NULL until that day's staffing and door counts land.
-- As actuals land, each hour also says how it was served and what it needed: the share of
-- customers served within the wait target with the cashiers on duty (Erlang C on the hour's
-- actual tickets), and the staff the actual traffic needed by the planner's default rules
-- (docs/staffing-model.md: 2-minute service, 0.8 of customers served within 3 minutes, one
-- floor person per 40 / 30 / 15 customers an hour in a mall / street store / restaurant, at
-- least one of each). Never use a percent sign here: the driver reads it as a placeholder.
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
        bool_or(p.binding_rule <> 'closed') as is_open,
        max(p.model_version) as model_version
    from plan.staffing p
    join plan_run r using (store_id, business_date, run_date)
    group by p.store_id, p.business_date, p.ts_local, p.run_date
), actual as (
    select
        p.*,
        s.staff_on_duty as actual_staff,
        d.count as actual_traffic,
        case when s.staff_on_duty is not null then t.tickets end as actual_tickets,
        -- The staffing export has no roles: the plan's cashiers as far as the people on duty
        -- allow, keeping one on the floor.
        case when s.staff_on_duty > 0
             then greatest(least(p.planned_cashiers, s.staff_on_duty - 1), 1) end
            as cashiers_on_duty,
        case st.format when 'mall' then 40.0 when 'restaurant' then 15.0 else 30.0 end
            as floor_standard
    from planned p
    left join ref.stores st on st.store_id = p.store_id
    left join core.staffing s on s.store_id = p.store_id and s.ts_local = p.ts_local
    left join core.door_counts d on d.store_id = p.store_id and d.ts_local = p.ts_local
    left join lateral (
        select count(distinct l.ticket_id)::int as tickets
        from core.pos_lines l
        where l.store_id = p.store_id
          and l.ts_local >= p.ts_local
          and l.ts_local < p.ts_local + interval '1 hour'
    ) t on true
), needed as (
    select
        a.*,
        case when a.is_open and a.actual_traffic is not null and a.actual_tickets is not null
             then greatest(analytics.erlang_servers_needed(a.actual_tickets), 1)
                  + greatest(ceil(a.actual_traffic / a.floor_standard)::int, 1)
             when not a.is_open then 0
        end as staff_needed
    from actual a
)
select
    n.store_id,
    n.business_date,
    n.ts_local,
    n.run_date as plan_run_date,
    n.planned_staff,
    n.planned_cashiers,
    n.planned_floor,
    n.actual_staff,
    n.actual_staff - n.planned_staff as staff_difference,
    n.planned_quantile,
    n.traffic_p50,
    n.traffic_planned,
    n.actual_traffic,
    n.actual_traffic - n.traffic_planned as traffic_difference,
    n.model_version,
    n.actual_tickets,
    n.cashiers_on_duty,
    case when n.is_open
         then analytics.erlang_service_level(n.actual_tickets, n.cashiers_on_duty) end
        as service_level_achieved,
    n.staff_needed,
    greatest(n.actual_staff - n.staff_needed, 0) as hours_over_need,
    greatest(n.staff_needed - n.actual_staff, 0) as hours_under_need
from needed n;

comment on view analytics.staffing_plan_vs_actual is
    'Planned staff (all roles, from the latest plan made before the date) vs staff on duty, door '
    'counts and tickets, per store and hour, with the service level achieved and the staff the '
    'actual traffic needed. One row per planned store-hour, closed hours included.';
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
comment on column analytics.staffing_plan_vs_actual.actual_tickets is
    'Tickets rung up in the hour (core.pos_lines); NULL until the day has landed.';
comment on column analytics.staffing_plan_vs_actual.cashiers_on_duty is
    'Cashiers on duty, estimated: the plan''s cashiers as far as the staff on duty allow, keeping '
    'one person on the floor (the staffing export does not say who did what).';
comment on column analytics.staffing_plan_vs_actual.service_level_achieved is
    'Share of the hour''s customers served within 3 minutes with cashiers_on_duty (Erlang C on '
    'actual_tickets, 2-minute service); NULL while closed or until actuals land.';
comment on column analytics.staffing_plan_vs_actual.staff_needed is
    'Staff the actual traffic needed by the planner''s default rules: cashiers to serve 0.8 of '
    'customers within 3 minutes, plus floor staff by the format''s labour standard, at least '
    'one of each; 0 while closed.';
comment on column analytics.staffing_plan_vs_actual.hours_over_need is
    'Staff-hours on duty beyond staff_needed (0 when short).';
comment on column analytics.staffing_plan_vs_actual.hours_under_need is
    'Staff-hours short of staff_needed (0 when covered).';
