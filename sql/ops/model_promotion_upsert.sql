insert into ops.model_promotions
    (business_date, model_name, challenger_run_id, challenger_version, champion_version, metric,
     higher_is_better, challenger_score, champion_score, margin, promoted, reason, decided_at)
values
    (:business_date, :model_name, :challenger_run_id, :challenger_version, :champion_version,
     :metric, :higher_is_better, :challenger_score, :champion_score, :margin, :promoted, :reason,
     clock_timestamp())
on conflict (business_date, model_name) do update set
    challenger_run_id  = excluded.challenger_run_id,
    challenger_version = excluded.challenger_version,
    champion_version   = excluded.champion_version,
    metric             = excluded.metric,
    higher_is_better   = excluded.higher_is_better,
    challenger_score   = excluded.challenger_score,
    champion_score     = excluded.champion_score,
    margin             = excluded.margin,
    promoted           = excluded.promoted,
    reason             = excluded.reason,
    decided_at         = excluded.decided_at
