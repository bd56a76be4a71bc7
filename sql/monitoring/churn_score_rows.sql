-- How many churn scores the nights :first..:last hold (to size a sample).
select count(*) from loyalty.churn_scores where run_date between :first and :last
