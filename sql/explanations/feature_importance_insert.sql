insert into explanations.feature_importance
    (run_date, model_name, feature, model_version, rank, mean_abs, share, unit, rows_explained)
values (:run_date, :model_name, :feature, :model_version, :rank, :mean_abs, :share, :unit,
        :rows_explained)
