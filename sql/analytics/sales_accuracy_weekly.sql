-- Sales forecast accuracy per store and ISO week, added up from the nightly monitor's figures.
-- Each night the monitor (pipelines/monitoring) compares the store total (category '__all__')
-- forecast for its business date, the latest made before it, with the day's summed ticket
-- amounts, and keeps the day's totals per store in monitoring.model_performance (window_days = 1).
create or replace view analytics.sales_accuracy_weekly as
with days as (
    select
        store_id,
        business_date,
        max(n_obs) filter (where metric = 'actual_total') as points,
        max(value) filter (where metric = 'actual_total') as actual_total,
        max(value) filter (where metric = 'forecast_total') as forecast_total,
        max(value) filter (where metric = 'abs_error_total') as abs_error_total,
        max(value) filter (where metric = 'horizon_days_min') as horizon_days_min,
        max(value) filter (where metric = 'horizon_days_max') as horizon_days_max,
        max(model_version) as model_version
    from monitoring.model_performance
    where model_name = 'sales_rf' and scope = 'store' and window_days = 1
    group by store_id, business_date
), versions as (
    select store_id, date_trunc('week', business_date)::date as week_start,
           string_agg(distinct trim(version), ', ' order by trim(version)) as model_versions
    from days
    cross join lateral unnest(string_to_array(model_version, ',')) as version
    group by store_id, date_trunc('week', business_date)
)
select
    d.store_id,
    date_trunc('week', d.business_date)::date as week_start,
    extract(isoyear from d.business_date)::int as iso_year,
    extract(week from d.business_date)::int as iso_week,
    sum(d.points) as points,
    sum(d.actual_total) as actual_total,
    sum(d.forecast_total) as forecast_total,
    sum(d.abs_error_total) / nullif(sum(d.points), 0) as mae,
    sum(d.abs_error_total) / nullif(sum(d.actual_total), 0) as wape,
    (sum(d.forecast_total) - sum(d.actual_total)) / nullif(sum(d.actual_total), 0) as bias,
    (sum(d.forecast_total) - sum(d.actual_total)) / nullif(sum(d.points), 0) as mean_error,
    min(d.horizon_days_min)::int as horizon_days_min,
    max(d.horizon_days_max)::int as horizon_days_max,
    max(v.model_versions) as model_versions
from days d
left join versions v
       on v.store_id = d.store_id and v.week_start = date_trunc('week', d.business_date)::date
group by d.store_id, date_trunc('week', d.business_date), extract(isoyear from d.business_date),
         extract(week from d.business_date);

comment on view analytics.sales_accuracy_weekly is
    'Daily store sales forecast (category __all__) vs actual sales (sum of core.pos_lines.amount '
    'per business date) per store and ISO week, summed from the nightly monitor''s daily figures '
    '(monitoring.model_performance); each day uses the latest forecast made before it.';
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
