insert into explanations.sales_drivers
    (run_date, store_id, date, category, rank, feature, label, feature_value, contribution_pen,
     base_pen, prediction_pen, model_name, model_version)
values (:run_date, :store_id, :date, :category, :rank, :feature, :label, :feature_value,
        :contribution_pen, :base_pen, :prediction_pen, :model_name, :model_version)
