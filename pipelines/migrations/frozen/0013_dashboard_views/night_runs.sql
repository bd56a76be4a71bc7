-- One row per night, for analysts and the Grafana dashboards (ops.pipeline_runs is restricted).
create or replace view analytics.night_runs as
select
    logical_date,
    business_date,
    status,
    attempts,
    started_at,
    finished_at,
    extract(epoch from finished_at - started_at)::double precision as duration_s,
    case when status = 'failed' then nullif(split_part(error, ':', 1), '') end as failed_task
from ops.pipeline_runs;

comment on view analytics.night_runs is
    'One row per logical date: the nightly run''s outcome and duration (ops.pipeline_runs).';
comment on column analytics.night_runs.duration_s is
    'Seconds from the run''s start to its end; NULL while it runs.';
comment on column analytics.night_runs.failed_task is
    'Task whose failure failed the night (NULL unless status is failed); the error text stays '
    'in ops.pipeline_runs.';
