insert into plan.promotions
    (run_date, store_id, date, category, discount_pct, rank, sales_without, sales_with,
     expected_lift, lift_p10, lift_p90, confidence, staff_slack_hours, reason, model_version)
values
    (:run_date, :store_id, :date, :category, :discount_pct, :rank, :sales_without, :sales_with,
     :expected_lift, :lift_p10, :lift_p90, :confidence, :staff_slack_hours, :reason,
     :model_version)
