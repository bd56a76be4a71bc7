insert into forecast.sales_daily
    (run_date, store_id, date, category, prediction, model_name, model_version)
values (:run_date, :store_id, :date, :category, :prediction, :model_name, :model_version)
