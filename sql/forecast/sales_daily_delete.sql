delete from forecast.sales_daily where run_date = :run_date
