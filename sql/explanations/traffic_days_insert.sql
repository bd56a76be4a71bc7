insert into explanations.traffic_days
    (run_date, store_id, date, usual_visitors, forecast_visitors, change_pct, unusual,
     enough_history, why, model_name, model_version)
values (:run_date, :store_id, :date, :usual_visitors, :forecast_visitors, :change_pct, :unusual,
        :enough_history, :why, :model_name, :model_version)
