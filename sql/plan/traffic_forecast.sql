select store_id, ts_local as ts, p10, p50, p90, model_version
from forecast.traffic_hourly
where run_date = :run_date
