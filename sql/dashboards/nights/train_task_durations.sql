-- Seconds each training task took per night (its last try).
select distinct on (business_date, task_id)
    business_date::timestamp at time zone 'UTC' as time,
    task_id as metric,
    duration_s as value
from monitoring.task_durations
where starts_with(task_id, 'train_')
order by business_date, task_id, try_number desc
