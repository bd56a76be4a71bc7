-- Every store-day of business dates :first..:last that had sales, with the freshest store-total
-- forecast (category '__all__') made before it and seasonal naive (the store's sales a week
-- earlier).
with actual as (
    select store_id, business_date as date, sum(amount)::float8 as actual
    from core.pos_lines
    where business_date between cast(:first as date) - 7 and :last
    group by store_id, business_date
), scored as (
    select distinct on (f.store_id, f.date)
        f.store_id,
        f.date as business_date,
        f.prediction as forecast,
        f.date - f.run_date as horizon_days,
        f.model_version
    from forecast.sales_daily f
    where f.category = '__all__'
      and f.run_date < f.date
      and f.date between :first and :last
    order by f.store_id, f.date, f.run_date desc
)
select s.*, a.actual, n.actual as seasonal_naive
from scored s
join actual a on a.store_id = s.store_id and a.date = s.business_date
left join actual n on n.store_id = s.store_id and n.date = s.business_date - 7
order by s.store_id, s.business_date
