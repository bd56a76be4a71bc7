insert into loyalty.rewards
    (run_date, customer_key, store_id, offer_type, value_pen, valid_from, valid_to, reason_code,
     reason, p_return_30d, monetary_90d, model_version)
values
    (:run_date, cast(:customer_key as uuid), :store_id, :offer_type, :value_pen, :valid_from,
     :valid_to, :reason_code, :reason, :p_return_30d, :monetary_90d, :model_version)
