insert into plan.staffing
    (run_date, store_id, ts_local, role, business_date, traffic_p50, planned_quantile,
     traffic_planned, expected_transactions, required, staff, binding_rule, service_level,
     rationale, model_version)
values
    (:run_date, :store_id, :ts_local, :role, :business_date, :traffic_p50, :planned_quantile,
     :traffic_planned, :expected_transactions, :required, :staff, :binding_rule, :service_level,
     :rationale, :model_version)
