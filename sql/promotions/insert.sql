insert into plan.promotions
    (run_date, store_id, date, category, discount_pct, rank, sales_without, sales_with,
     expected_lift, lift_p10, lift_p90, confidence, staff_slack_hours, reason, model_version,
     margin_with, margin_without, expected_margin, margin_p10, margin_p90, margin_rate,
     cost_coverage)
values
    (:run_date, :store_id, :date, :category, :discount_pct, :rank, :sales_without, :sales_with,
     :expected_lift, :lift_p10, :lift_p90, :confidence, :staff_slack_hours, :reason,
     :model_version, :margin_with, :margin_without, :expected_margin, :margin_p10, :margin_p90,
     :margin_rate, :cost_coverage)
