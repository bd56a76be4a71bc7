-- Seconds each task of the latest night took (its last try), slowest first.
select
    task_id,
    duration_s,
    state,
    try_number
from (
    select distinct on (task_id) task_id, duration_s, state, try_number
    from monitoring.task_durations
    where business_date = (select max(business_date) from monitoring.task_durations)
    order by task_id, try_number desc
) last_try
order by duration_s desc nulls last, task_id
