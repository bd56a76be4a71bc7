-- Models flagged in the window before the business date: their trailing figures still hold the
-- days that flagged them (and the retrain has had no time to show), so they are not raised again.
select distinct model_name
from monitoring.degradation_events
where business_date between cast(:business_date as date) - :days and cast(:business_date as date) - 1
