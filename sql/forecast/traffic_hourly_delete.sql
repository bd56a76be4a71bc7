delete from forecast.traffic_hourly where run_date = :run_date
