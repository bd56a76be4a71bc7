-- Events already recorded for the business date (a re-run keeps whether they were alerted and
-- when they were acted on).
select model_name, metric, scope, store_id, alerted, resolved_on
from monitoring.degradation_events
where business_date = :business_date
