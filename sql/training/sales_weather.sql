-- Daily weather per store: observed for the past, tonight's forecast for the days ahead.
select s.store_id, w.ts_local::date as date, avg(w.temperature_2m) as temp_mean,
       sum(w.precipitation) as precip_sum
from core.weather_hourly w
join ref.stores s on s.city = w.city
where (w.kind = 'observed' and w.ts_local::date between :first and :last)
   or (w.kind = 'forecast' and w.issued_on = :last)
group by s.store_id, w.ts_local::date
