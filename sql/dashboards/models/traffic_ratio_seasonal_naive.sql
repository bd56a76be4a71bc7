-- Traffic RNN: P50 MAE as a multiple of seasonal naive's on the same hours, per store and night
-- ('chain' = all stores). Below 1 the model beats "same hour last week".
select
    business_date::timestamp at time zone 'UTC' as time,
    coalesce(store_id, 'chain') as metric,
    value
from monitoring.model_performance
where model_name = 'traffic_rnn' and metric = 'ratio_seasonal_naive'
order by time, metric
