-- Sales forest: WAPE (sum of absolute errors / sum of sales) per store and night.
select
    business_date::timestamp at time zone 'UTC' as time,
    coalesce(store_id, 'chain') as metric,
    value
from monitoring.model_performance
where model_name = 'sales_rf' and metric = 'wape'
order by time, metric
