-- Which stores' traffic forecasts were furthest off this week? WAPE (share of visitors
-- mis-forecast) per store for the latest ISO week with door counts, worst first, with the
-- sales forecast's WAPE for the same week next to it.
with this_week as (
    select max(week_start) as week_start from analytics.traffic_accuracy_weekly
)
select
    st.name as store,
    t.week_start,
    t.points as hours_scored,
    round(t.wape::numeric, 3) as traffic_wape,
    round(t.bias::numeric, 3) as traffic_bias,
    round(t.mae::numeric, 1) as traffic_mae,
    round(s.wape::numeric, 3) as sales_wape,
    t.model_versions as traffic_model_versions
from analytics.traffic_accuracy_weekly t
join this_week w using (week_start)
join analytics.stores st using (store_id)
left join analytics.sales_accuracy_weekly s
       on s.store_id = t.store_id and s.week_start = t.week_start
order by t.wape desc nulls last
limit 10;
