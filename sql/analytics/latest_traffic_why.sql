-- Each store's newest traffic forecast, day by day, against a normal day of the same weekday:
-- how different it is and why (integrated gradients of the traffic network), in plain words.
create or replace view analytics.latest_traffic_why as
with latest as (
    select s.store_id,
           (select max(t.run_date) from explanations.traffic_days t
            where t.store_id = s.store_id) as run_date
    from ref.stores s
)
select
    t.store_id,
    t.date,
    t.usual_visitors,
    t.forecast_visitors,
    t.change_pct,
    t.unusual,
    t.enough_history,
    t.why,
    (select string_agg(
                d.label || ': '
                || case when d.contribution_visitors > 0 then '+' else '−' end
                || to_char(abs(round(d.contribution_visitors)), 'FM999,999,990'),
                '; ' order by abs(d.contribution_visitors) desc, d.driver)
     from explanations.traffic_drivers d
     where d.run_date = t.run_date and d.store_id = t.store_id and d.date = t.date
       and d.driver <> 'other' and abs(round(d.contribution_visitors)) >= 1) as drivers,
    t.model_name,
    t.model_version,
    t.run_date
from latest l
join explanations.traffic_days t on t.run_date = l.run_date and t.store_id = l.store_id;

comment on view analytics.latest_traffic_why is
    'Each forecast day of each store''s most recent run (explanations.traffic_days) with its '
    'drivers in visitors.';
comment on column analytics.latest_traffic_why.usual_visitors is
    'Visitors the network forecasts for a normal day of the same weekday (no holiday, payday, '
    'promotion or unusual weather, recent weeks at their usual level).';
comment on column analytics.latest_traffic_why.change_pct is
    'forecast_visitors / usual_visitors - 1, as a fraction (0.18 = 18 percent busier).';
comment on column analytics.latest_traffic_why.drivers is
    'Every driver of at least one visitor, largest first, in the report language.';
