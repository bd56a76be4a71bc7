-- The churn model's inputs as scored on the nights :first..:last (loyalty.churn_scores keeps the
-- main features next to each score). :stride > 1 keeps a deterministic sample of about one row
-- in :stride (a hash of the member's key): a reference window holds millions of rows.
select recency_days, frequency_90d, monetary_90d, sentiment_mean, complaints_90d
from loyalty.churn_scores
where run_date between :first and :last
  and (:stride <= 1 or abs(hashtext(customer_key::text || run_date::text)) % :stride = 0)
order by run_date, customer_key
