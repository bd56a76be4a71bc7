-- The night a model version was registered (the first decision naming it as the challenger)
-- and its MLflow run.
select business_date, challenger_run_id
from ops.model_promotions
where model_name = :model_name and challenger_version = :version
order by business_date
limit 1
