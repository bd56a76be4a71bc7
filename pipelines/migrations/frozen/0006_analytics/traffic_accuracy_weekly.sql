-- Traffic forecast accuracy per store and ISO week of the forecast hour, as door counts arrive.
-- Each counted hour is scored against the freshest forecast made for it: the latest run_date
-- before the hour's date (normally the night before, horizon 1 day; more after a missed night).
-- Hours whose counter was out (NULL count) are left out rather than counted as zero visitors.
create or replace view analytics.traffic_accuracy_weekly as
with scored as (
    select distinct on (a.store_id, a.ts_local)
        a.store_id,
        a.ts_local,
        a.count::float8 as actual,
        f.p50 as forecast,
        a.ts_local::date - f.run_date as horizon_days,
        f.model_version
    from core.door_counts a
    join forecast.traffic_hourly f
      on f.store_id = a.store_id
     and f.ts_local = a.ts_local
     and f.run_date < a.ts_local::date
    where a.count is not null
      -- Skip the years of history before the first forecast (business_date is indexed).
      and a.business_date >= (select min(run_date) from forecast.traffic_hourly)
    order by a.store_id, a.ts_local, f.run_date desc
)
select
    store_id,
    date_trunc('week', ts_local)::date as week_start,
    extract(isoyear from ts_local)::int as iso_year,
    extract(week from ts_local)::int as iso_week,
    count(*) as points,
    sum(actual) as actual_total,
    sum(forecast) as forecast_total,
    avg(abs(forecast - actual)) as mae,
    sum(abs(forecast - actual)) / nullif(sum(actual), 0) as wape,
    sum(forecast - actual) / nullif(sum(actual), 0) as bias,
    avg(forecast - actual) as mean_error,
    min(horizon_days) as horizon_days_min,
    max(horizon_days) as horizon_days_max,
    string_agg(distinct model_version, ', ' order by model_version) as model_versions
from scored
group by store_id, date_trunc('week', ts_local), extract(isoyear from ts_local),
         extract(week from ts_local);

comment on view analytics.traffic_accuracy_weekly is
    'Hourly traffic forecast (p50) vs door counts per store and ISO week of the forecast hour; '
    'each hour uses the latest forecast made before its date. Counter outages are excluded.';
comment on column analytics.traffic_accuracy_weekly.week_start is
    'Monday of the ISO week of the forecast hours.';
comment on column analytics.traffic_accuracy_weekly.points is
    'Store-hours with both a forecast and a door count.';
comment on column analytics.traffic_accuracy_weekly.mae is
    'Mean absolute error: mean of |p50 - actual| in visitors per hour.';
comment on column analytics.traffic_accuracy_weekly.wape is
    'Weighted absolute percentage error as a fraction: sum |p50 - actual| / sum actual '
    '(NULL when nobody was counted).';
comment on column analytics.traffic_accuracy_weekly.bias is
    'Relative bias as a fraction: sum (p50 - actual) / sum actual; positive = over-forecast.';
comment on column analytics.traffic_accuracy_weekly.mean_error is
    'Mean of (p50 - actual) in visitors per hour; positive = over-forecast.';
comment on column analytics.traffic_accuracy_weekly.horizon_days_min is
    'Fewest days between a forecast''s run_date and its hour''s date (1 = the night before).';
comment on column analytics.traffic_accuracy_weekly.model_versions is
    'Model versions whose forecasts were scored, comma-separated.';
