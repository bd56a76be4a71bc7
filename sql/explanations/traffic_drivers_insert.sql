insert into explanations.traffic_drivers
    (run_date, store_id, date, driver, driver_group, label, contribution_visitors, model_version)
values (:run_date, :store_id, :date, :driver, :driver_group, :label, :contribution_visitors,
        :model_version)
