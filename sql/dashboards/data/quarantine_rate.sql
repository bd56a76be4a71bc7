-- Share of the rows read that the gate quarantined, per dataset and night. Above
-- NIGHTSHIFT_GATE_MAX_REJECTED_SHARE (20% by default) the night fails.
select
    business_date::timestamp at time zone 'UTC' as time,
    source as metric,
    quarantine_rate as value
from analytics.source_loads
where quarantine_rate is not null
order by time, metric
