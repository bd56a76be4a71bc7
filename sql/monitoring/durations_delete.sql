delete from monitoring.task_durations where business_date = :business_date
