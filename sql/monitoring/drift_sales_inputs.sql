-- The sales model's inputs per store and business date of :first..:last: the day's sales, the
-- deepest planned discount and the day's observed weather (mean temperature, total rain).
with sales as (
    select store_id, business_date as date, sum(amount)::float8 as sales
    from core.pos_lines
    where business_date between :first and :last
    group by store_id, business_date
), promo_days as (
    select store_id, date, max(discount_pct)::float8 as discount_depth
    from core.promotions
    where date between :first and :last
    group by store_id, date
), weather as (
    select s.store_id, w.ts_local::date as date, avg(w.temperature_2m) as temperature,
           sum(w.precipitation) as precipitation
    from core.weather_hourly w
    join ref.stores s on s.city = w.city
    where w.kind = 'observed' and w.ts_local::date between :first and :last
    group by s.store_id, w.ts_local::date
)
select a.sales, coalesce(p.discount_depth, 0)::float8 as discount_depth,
       w.temperature, w.precipitation
from sales a
left join promo_days p using (store_id, date)
left join weather w using (store_id, date)
order by a.store_id, a.date
