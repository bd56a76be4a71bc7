-- A re-run of a date replaces its plan: clear the run date's rows in all three plan tables.
delete from plan.staffing where run_date = :run_date;
delete from plan.shifts where run_date = :run_date;
delete from plan.shift_totals where run_date = :run_date;
