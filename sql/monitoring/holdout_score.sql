-- The holdout score a model version was registered with (its training night's decision).
select challenger_score
from ops.model_promotions
where model_name = :model_name and challenger_version = :version
order by business_date
limit 1
