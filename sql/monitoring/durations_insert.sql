insert into monitoring.task_durations
    (business_date, logical_date, dag_run_id, task_id, state, duration_s, try_number, started_at,
     ended_at)
values
    (:business_date, :logical_date, :dag_run_id, :task_id, :state, :duration_s, :try_number,
     :started_at, :ended_at)
