-- Sales forecast accuracy per store and ISO week of the forecast date, as POS lines arrive.
-- The store total (category '__all__') is compared with the day's summed ticket amounts; each
-- day uses the latest forecast made before it (normally the night before).
create or replace view analytics.sales_accuracy_weekly as
with actual as (
    select store_id, business_date as date, sum(amount)::float8 as actual
    from core.pos_lines
    -- Skip the history before the first forecast (business_date is indexed).
    where business_date > (select min(run_date) from forecast.sales_daily)
    group by store_id, business_date
), scored as (
    select distinct on (f.store_id, f.date)
        f.store_id,
        f.date,
        a.actual,
        f.prediction as forecast,
        f.date - f.run_date as horizon_days,
        f.model_version
    from actual a
    join forecast.sales_daily f
      on f.store_id = a.store_id
     and f.date = a.date
     and f.category = '__all__'
     and f.run_date < f.date
    order by f.store_id, f.date, f.run_date desc
)
select
    store_id,
    date_trunc('week', date)::date as week_start,
    extract(isoyear from date)::int as iso_year,
    extract(week from date)::int as iso_week,
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
group by store_id, date_trunc('week', date), extract(isoyear from date), extract(week from date);

comment on view analytics.sales_accuracy_weekly is
    'Daily store sales forecast (category __all__) vs actual sales (sum of core.pos_lines.amount '
    'per business date) per store and ISO week; each day uses the latest forecast made before it.';
comment on column analytics.sales_accuracy_weekly.week_start is
    'Monday of the ISO week of the forecast dates.';
comment on column analytics.sales_accuracy_weekly.points is
    'Store-days with both a forecast and sales.';
comment on column analytics.sales_accuracy_weekly.mae is
    'Mean absolute error in soles (PEN) per day: mean of |forecast - actual|.';
comment on column analytics.sales_accuracy_weekly.wape is
    'Weighted absolute percentage error as a fraction: sum |forecast - actual| / sum actual.';
comment on column analytics.sales_accuracy_weekly.bias is
    'Relative bias as a fraction: sum (forecast - actual) / sum actual; positive = over-forecast.';
comment on column analytics.sales_accuracy_weekly.mean_error is
    'Mean of (forecast - actual) in soles (PEN) per day; positive = over-forecast.';
comment on column analytics.sales_accuracy_weekly.horizon_days_min is
    'Fewest days between the forecast''s run_date and the date (1 = made the night before).';
comment on column analytics.sales_accuracy_weekly.model_versions is
    'Model versions whose forecasts were scored, comma-separated.';
