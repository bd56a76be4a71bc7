-- Forget every model decision except those of the listed training runs (the benchmark's
-- cold champions), so a repeated benchmark night decides afresh like the first one.
delete from ops.model_promotions where challenger_run_id <> all(:keep_run_ids)
