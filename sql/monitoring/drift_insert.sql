insert into monitoring.feature_drift
    (business_date, model_name, model_version, run_id, drift_kind, feature, test_name, statistic,
     p_value, threshold, drifted, reference_rows, current_rows, mlflow_run_id)
values
    (:business_date, :model_name, :model_version, :run_id, :drift_kind, :feature, :test_name,
     :statistic, :p_value, :threshold, :drifted, :reference_rows, :current_rows, :mlflow_run_id)
