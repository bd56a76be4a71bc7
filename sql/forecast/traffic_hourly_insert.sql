insert into forecast.traffic_hourly
    (run_date, store_id, ts_local, ts_utc, p10, p50, p90, model_name, model_version)
values
    (:run_date, :store_id, :ts_local, cast(:ts_local as timestamp) at time zone :tz, :p10, :p50,
     :p90, :model_name, :model_version)
