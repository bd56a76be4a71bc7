-- Traffic RNN: share of open hours whose door count fell inside the P10-P90 band, per store and
-- night. The band is calibrated to cover 80%.
select
    business_date::timestamp at time zone 'UTC' as time,
    coalesce(store_id, 'chain') as metric,
    value
from monitoring.model_performance
where model_name = 'traffic_rnn' and metric = 'coverage_open_hours'
order by time, metric
