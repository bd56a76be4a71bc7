-- A re-run of a date replaces its sales forecast explanations.
delete from explanations.sales_drivers where run_date = :run_date
