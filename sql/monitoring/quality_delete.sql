delete from monitoring.data_quality where business_date = :business_date
