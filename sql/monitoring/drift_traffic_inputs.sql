-- The traffic model's inputs, one row per store-hour of business dates :first..:last: the door
-- count, the deepest planned discount that day and the observed weather of the store's city.
-- :stride > 1 keeps a deterministic sample of about one row in :stride (a hash of the key), so a
-- two-year training window is read as a few thousand rows.
with promo_days as (
    select store_id, date, max(discount_pct)::float8 as discount_depth
    from core.promotions
    where date between :first and :last
    group by store_id, date
)
select d.count::float8 as count,
       coalesce(p.discount_depth, 0)::float8 as discount_depth,
       w.temperature_2m as temperature,
       w.precipitation as precipitation
from core.door_counts d
join ref.stores s using (store_id)
left join promo_days p on p.store_id = d.store_id and p.date = d.ts_local::date
left join core.weather_hourly w
       on w.kind = 'observed' and w.city = s.city and w.ts_local = d.ts_local
where d.business_date between :first and :last
  and (:stride <= 1 or abs(hashtext(d.store_id || d.ts_local::text)) % :stride = 0)
order by d.store_id, d.ts_local
