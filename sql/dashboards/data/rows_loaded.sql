-- Rows loaded into raw per dataset and night.
select
    business_date::timestamp at time zone 'UTC' as time,
    source as metric,
    rows_loaded as value
from analytics.source_loads
order by time, metric
