-- Every counted store-hour of business dates :first..:last with the freshest traffic forecast
-- made before its date (normally the night before; more after a missed night), and the simple
-- forecasts it is judged against: seasonal naive (the same hour a week earlier, else two to four
-- weeks earlier) and the mean of the same hour over the four weeks before.
-- Hours whose counter was out (NULL count) are not scored.
with scored as (
    select distinct on (a.store_id, a.ts_local)
        a.store_id,
        a.business_date,
        a.ts_local,
        a.count::float8 as actual,
        f.p10,
        f.p50,
        f.p90,
        a.business_date - f.run_date as horizon_days,
        f.model_version
    from core.door_counts a
    join forecast.traffic_hourly f
      on f.store_id = a.store_id
     and f.ts_local = a.ts_local
     and f.run_date < a.ts_local::date
    where a.business_date between :first and :last
      and a.count is not null
    order by a.store_id, a.ts_local, f.run_date desc
)
select
    s.*,
    coalesce(w1.count, w2.count, w3.count, w4.count)::float8 as seasonal_naive,
    (select avg(c)
       from unnest(array[w1.count, w2.count, w3.count, w4.count]) as c)::float8 as four_week_mean
from scored s
left join core.door_counts w1
       on w1.store_id = s.store_id and w1.ts_local = s.ts_local - interval '7 days'
left join core.door_counts w2
       on w2.store_id = s.store_id and w2.ts_local = s.ts_local - interval '14 days'
left join core.door_counts w3
       on w3.store_id = s.store_id and w3.ts_local = s.ts_local - interval '21 days'
left join core.door_counts w4
       on w4.store_id = s.store_id and w4.ts_local = s.ts_local - interval '28 days'
order by s.store_id, s.ts_local
