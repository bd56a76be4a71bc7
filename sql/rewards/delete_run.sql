-- A re-run of a date replaces its rewards.
delete from loyalty.rewards where run_date = :run_date
