-- Figures already flagged in the window before the business date: not raised again.
select distinct model_name, metric, scope, store_id
from monitoring.degradation_events
where business_date between cast(:business_date as date) - :days and cast(:business_date as date) - 1
