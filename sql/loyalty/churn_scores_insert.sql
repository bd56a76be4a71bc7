insert into loyalty.churn_scores
    (run_date, customer_key, store_id, p_return_30d, recency_days, frequency_90d, monetary_90d,
     sentiment_mean, complaints_90d, model_version)
values
    (:run_date, :customer_key, :store_id, :p_return_30d, :recency_days, :frequency_90d,
     :monetary_90d, :sentiment_mean, :complaints_90d, :model_version)
