-- Why each store's newest daily sales forecast says what it says: the SHAP drivers of every
-- forecast row of that store's latest run_date, in plain words ("feriado: +S/ 1,240").
create or replace view analytics.latest_sales_drivers as
with latest as (
    select s.store_id,
           (select max(d.run_date) from explanations.sales_drivers d
            where d.store_id = s.store_id) as run_date
    from ref.stores s
)
select
    d.store_id,
    d.date,
    d.category,
    d.rank,
    d.feature,
    d.label,
    d.feature_value,
    d.contribution_pen,
    d.label || ': '
        || case when round(d.contribution_pen) > 0 then '+'
                when round(d.contribution_pen) < 0 then '−'
                else '' end
        || 'S/ ' || to_char(abs(round(d.contribution_pen)), 'FM999,999,999,990') as words,
    d.base_pen,
    d.prediction_pen,
    d.model_name,
    d.model_version,
    d.run_date
from latest l
join explanations.sales_drivers d on d.run_date = l.run_date and d.store_id = l.store_id;

comment on view analytics.latest_sales_drivers is
    'Drivers of each store''s most recent daily sales forecast (explanations.sales_drivers): '
    'base_pen plus the contributions of a row''s drivers equals its forecast.';
comment on column analytics.latest_sales_drivers.category is
    'Product category; ''__all__'' is the store''s total (its categories'' drivers summed).';
comment on column analytics.latest_sales_drivers.rank is
    '1 = the largest contribution; the last rank (other_features) sums the remaining features.';
comment on column analytics.latest_sales_drivers.words is
    'The driver in plain words, in the report language: label, then the signed contribution.';
comment on column analytics.latest_sales_drivers.base_pen is
    'Forecast (PEN) for the series'' typical day of the forecast fortnight: where the '
    'contributions start from.';
