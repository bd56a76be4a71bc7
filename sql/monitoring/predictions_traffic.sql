-- The traffic model's P50 forecasts made on the nights :first..:last.
select p50 as prediction
from forecast.traffic_hourly
where run_date between :first and :last
order by run_date, store_id, ts_local
