update monitoring.degradation_events
set resolved_on = :business_date
where model_name = :model_name
  and business_date < :business_date
  and action = 'retrain_next_night'
  and resolved_on is null
