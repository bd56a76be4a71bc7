-- The last 30 nights: outcome, attempts, duration and, for a failed night, the task that failed.
select
    business_date::timestamp at time zone 'UTC' as time,
    status,
    attempts,
    started_at,
    finished_at,
    duration_s / 60 as minutes,
    failed_task
from analytics.night_runs
order by business_date desc
limit 30
