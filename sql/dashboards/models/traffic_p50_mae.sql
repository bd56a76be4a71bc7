-- Traffic RNN: mean absolute error of the P50 forecast, visitors per hour, per store and night.
select
    business_date::timestamp at time zone 'UTC' as time,
    coalesce(store_id, 'chain') as metric,
    value
from monitoring.model_performance
where model_name = 'traffic_rnn' and metric = 'p50_mae'
order by time, metric
