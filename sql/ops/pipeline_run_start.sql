-- Open (or re-open) the log row of one logical date: a re-run replaces it, counting attempts.
insert into ops.pipeline_runs
    (logical_date, business_date, data_interval_start, data_interval_end, dag_run_id,
     status, attempts, started_at, finished_at, counts, error)
values
    (:logical_date, :business_date, :interval_start, :interval_end, :dag_run_id,
     'running', 1, :started_at, null, '{}'::jsonb, null)
on conflict (logical_date) do update set
    business_date       = excluded.business_date,
    data_interval_start = excluded.data_interval_start,
    data_interval_end   = excluded.data_interval_end,
    dag_run_id          = excluded.dag_run_id,
    status              = 'running',
    attempts            = ops.pipeline_runs.attempts + 1,
    started_at          = excluded.started_at,
    finished_at         = null,
    counts              = '{}'::jsonb,
    error               = null
