-- The churn model's P(return within 30 days) scored on the nights :first..:last.
select p_return_30d as prediction
from loyalty.churn_scores
where run_date between :first and :last
order by run_date, customer_key
