-- A re-run of a date replaces its traffic explanations (the drivers go with their days).
delete from explanations.traffic_days where run_date = :run_date
