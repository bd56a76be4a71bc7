delete from loyalty.churn_scores where run_date = :run_date
