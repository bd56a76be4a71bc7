-- A re-run of a date replaces what drives its proposed promotions' lifts.
delete from explanations.promotion_drivers where run_date = :run_date
