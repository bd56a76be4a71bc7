-- A re-run of a date replaces its churn explanations.
delete from explanations.churn_drivers where run_date = :run_date
