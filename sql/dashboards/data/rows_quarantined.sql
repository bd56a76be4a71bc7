-- Rows the gate quarantined per dataset and night (null until the gate ran: not drawn).
select
    business_date::timestamp at time zone 'UTC' as time,
    source as metric,
    rows_quarantined as value
from analytics.source_loads
where rows_quarantined is not null
order by time, metric
