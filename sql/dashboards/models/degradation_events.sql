-- Models found degraded (a metric past its threshold), what was done and whether it was resolved.
select
    business_date::timestamp at time zone 'UTC' as time,
    model_name,
    model_version,
    metric,
    value,
    threshold,
    direction,
    action,
    alerted,
    resolved_on
from monitoring.degradation_events
order by business_date desc, model_name, metric
