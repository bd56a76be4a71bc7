-- Each store's newest daily sales forecast: only the rows of that store's latest run_date.
create or replace view analytics.latest_sales_forecast as
with latest as (
    select s.store_id,
           (select max(f.run_date) from forecast.sales_daily f
            where f.store_id = s.store_id) as run_date
    from ref.stores s
)
select
    f.store_id,
    f.date,
    f.category,
    f.prediction,
    f.model_name,
    f.model_version,
    f.run_date
from latest l
join forecast.sales_daily f on f.run_date = l.run_date and f.store_id = l.store_id;

comment on view analytics.latest_sales_forecast is
    'Daily sales forecast (PEN) from each store''s most recent run_date (forecast.sales_daily).';
comment on column analytics.latest_sales_forecast.category is
    'Product category; ''__all__'' is the store''s total.';
comment on column analytics.latest_sales_forecast.prediction is
    'Forecast sales of the date in soles (PEN), after discounts.';
comment on column analytics.latest_sales_forecast.run_date is
    'Business date of the night that produced the forecast (forecasts start the day after).';
