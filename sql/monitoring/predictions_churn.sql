-- The churn model's P(return within 30 days) scored on the nights :first..:last (:stride: as in
-- drift_churn_inputs).
select p_return_30d as prediction
from loyalty.churn_scores
where run_date between :first and :last
  and (:stride <= 1 or abs(hashtext(customer_key::text || run_date::text)) % :stride = 0)
order by run_date, customer_key
