insert into explanations.churn_drivers
    (run_date, customer_key, rank, store_id, selection, feature, reason_group, label,
     feature_value, contribution_logit, base_logit, churn_risk, model_version)
values (:run_date, cast(:customer_key as uuid), :rank, :store_id, :selection, :feature,
        :reason_group, :label, :feature_value, :contribution_logit, :base_logit, :churn_risk,
        :model_version)
