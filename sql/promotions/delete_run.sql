-- A re-run of a date replaces its promotion plan.
delete from plan.promotions where run_date = :run_date
