-- Minutes from the start to the end of each night's run (its latest attempt).
select
    business_date::timestamp at time zone 'UTC' as time,
    duration_s / 60 as minutes
from analytics.night_runs
where duration_s is not null
order by time
