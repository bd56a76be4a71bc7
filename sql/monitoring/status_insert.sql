insert into monitoring.model_status
    (business_date, model_name, model_version, run_id, status, detail, reports)
values
    (:business_date, :model_name, :model_version, :run_id, :status, :detail, :reports)
