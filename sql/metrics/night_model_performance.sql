-- The night's chain-wide model figures (monitoring.model_performance, scope 'chain').
select model_name, metric, coalesce(window_days::text, '') as window_days, value
from monitoring.model_performance
where business_date = :business_date and scope = 'chain' and value is not null
order by model_name, metric, window_days
