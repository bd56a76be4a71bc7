-- The night's run row (its start and attempts) and the latest business date whose night
-- succeeded: the "night not finished by 06:00" alert compares that date with the calendar.
select
    (select started_at from ops.pipeline_runs where business_date = :business_date) as started_at,
    (select attempts from ops.pipeline_runs where business_date = :business_date) as attempts,
    (select max(business_date) from ops.pipeline_runs where status = 'success')
        as last_success_date
