-- A re-run of a date replaces that model's importance for the date.
delete from explanations.feature_importance where run_date = :run_date and model_name = :model_name
