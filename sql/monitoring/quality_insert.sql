insert into monitoring.data_quality (business_date, source, metric, detail, value, run_id)
values (:business_date, :source, :metric, :detail, :value, :run_id)
