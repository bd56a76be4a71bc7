delete from monitoring.degradation_events where business_date = :business_date
