-- The churn model's inputs as scored on the nights :first..:last (loyalty.churn_scores keeps the
-- main features next to each score).
select recency_days, frequency_90d, monetary_90d, sentiment_mean, complaints_90d
from loyalty.churn_scores
where run_date between :first and :last
order by run_date, customer_key
