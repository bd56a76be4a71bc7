insert into monitoring.degradation_events
    (business_date, model_name, model_version, metric, scope, store_id, window_days, value,
     threshold, direction, report_path, action, alerted, resolved_on, detail, run_id)
values
    (:business_date, :model_name, :model_version, :metric, :scope, :store_id, :window_days,
     :value, :threshold, :direction, :report_path, :action, :alerted, :resolved_on, :detail,
     :run_id)
