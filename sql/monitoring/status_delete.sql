delete from monitoring.model_status where business_date = :business_date
