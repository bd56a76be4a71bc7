delete from monitoring.feature_drift where business_date = :business_date
