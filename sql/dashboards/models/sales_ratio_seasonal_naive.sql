-- Sales forest: error as a multiple of seasonal naive's on the same days, per store and night
-- ('chain' = all stores). Below 1 the model beats "same day last week".
select
    business_date::timestamp at time zone 'UTC' as time,
    coalesce(store_id, 'chain') as metric,
    value
from monitoring.model_performance
where model_name = 'sales_rf' and metric = 'ratio_seasonal_naive'
order by time, metric
