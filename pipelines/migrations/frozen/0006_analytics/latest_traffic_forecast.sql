-- Each store's newest hourly traffic forecast: only the rows of that store's latest run_date.
-- Per store, not globally: a store missing from last night's run keeps its previous forecast.
create or replace view analytics.latest_traffic_forecast as
with latest as (
    -- One backward scan of the (run_date, store_id, ts_local) key per store.
    select s.store_id,
           (select max(f.run_date) from forecast.traffic_hourly f
            where f.store_id = s.store_id) as run_date
    from ref.stores s
)
select
    f.store_id,
    f.ts_local,
    f.p10,
    f.p50,
    f.p90,
    f.model_name,
    f.model_version,
    f.run_date
from latest l
join forecast.traffic_hourly f on f.run_date = l.run_date and f.store_id = l.store_id;

comment on view analytics.latest_traffic_forecast is
    'Hourly door-count forecast from each store''s most recent run_date (forecast.traffic_hourly).';
comment on column analytics.latest_traffic_forecast.ts_local is
    'Forecast hour, local time of the store (start of the hour).';
comment on column analytics.latest_traffic_forecast.p10 is
    'Visitors entering in the hour: 10th percentile (90 in 100 hours should see more).';
comment on column analytics.latest_traffic_forecast.p50 is
    'Visitors entering in the hour: median forecast.';
comment on column analytics.latest_traffic_forecast.p90 is
    'Visitors entering in the hour: 90th percentile.';
comment on column analytics.latest_traffic_forecast.run_date is
    'Business date of the night that produced the forecast (forecasts start the day after).';
