-- What is known tonight about the forecast horizon: the weather forecast issued on the
-- business date and the promotions planned as of tonight (not what later nights exported),
-- per store and hour.
with promo_days as (
    select store_id, date, max(discount_pct) as discount_depth
    from core.promotions_as_of(cast(:origin as date), cast(:end as date), :business_date)
    group by store_id, date
)
select s.store_id                 as location_id,
       w.ts_local                 as ts,
       coalesce(p.discount_depth, 0)::float as discount_depth,
       w.temperature_2m           as temperature,
       w.precipitation            as precipitation
from ref.stores s
join core.weather_hourly w
  on w.kind = 'forecast' and w.issued_on = :business_date and w.city = s.city
left join promo_days p on p.store_id = s.store_id and p.date = w.ts_local::date
where w.ts_local >= :origin and w.ts_local < :end
order by s.store_id, w.ts_local
