insert into monitoring.model_performance
    (business_date, model_name, model_version, run_id, scope, store_id, metric, value, n_obs,
     window_days)
values
    (:business_date, :model_name, :model_version, :run_id, :scope, :store_id, :metric, :value,
     :n_obs, :window_days)
