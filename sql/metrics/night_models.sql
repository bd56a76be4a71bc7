-- Each model's champion/challenger decision of the night.
select model_name, metric, challenger_score, champion_score, promoted
from ops.model_promotions
where business_date = :business_date
order by model_name
