-- Degradation events of a model raised by nights before :business_date that ask for a retrain
-- and that no night has acted on yet (or that this very night acted on: a re-run).
select business_date, metric, scope, store_id, window_days, value, threshold, direction
from monitoring.degradation_events
where model_name = :model_name
  and business_date < :business_date
  and action = 'retrain_next_night'
  and (resolved_on is null or resolved_on = :business_date)
order by business_date, metric, scope, store_id nulls first
