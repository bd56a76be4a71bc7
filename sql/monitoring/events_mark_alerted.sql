update monitoring.degradation_events
set alerted = true
where business_date = :business_date and model_name = :model_name and metric = :metric
  and scope = :scope and store_id is not distinct from :store_id
