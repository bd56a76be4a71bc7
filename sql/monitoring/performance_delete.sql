delete from monitoring.model_performance where business_date = :business_date
