-- Where were we understaffed last week? Open hours with fewer staff on duty than planned,
-- per store, for the last full ISO week before the newest staffing data.
with last_week as (
    select date_trunc('week', max(business_date))::date - 7 as week_start
    from analytics.staffing_plan_vs_actual
    where actual_staff is not null
)
select
    st.name as store,
    count(*) filter (where v.staff_difference < 0) as understaffed_hours,
    -sum(v.staff_difference) filter (where v.staff_difference < 0) as missing_staff_hours,
    count(*) filter (where v.staff_difference > 0) as overstaffed_hours,
    count(*) filter (where v.actual_traffic > v.traffic_planned) as busier_than_planned_hours,
    count(*) as hours_compared
from analytics.staffing_plan_vs_actual v
join last_week w on v.business_date >= w.week_start and v.business_date < w.week_start + 7
join analytics.stores st using (store_id)
where v.actual_staff is not null
  and v.planned_staff > 0
group by st.name
order by understaffed_hours desc, missing_staff_hours desc nulls last;
