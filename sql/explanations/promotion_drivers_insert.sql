insert into explanations.promotion_drivers
    (run_date, store_id, date, category, discount_pct, driver, rank, label, contribution_pen,
     model_version)
values (:run_date, :store_id, :date, :category, :discount_pct, :driver, :rank, :label,
        :contribution_pen, :model_version)
