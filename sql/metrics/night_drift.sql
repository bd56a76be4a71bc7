-- Per model: input features tested for drift on the night and how many drifted.
select model_name, count(*) as tested, count(*) filter (where drifted) as drifted
from monitoring.feature_drift
where business_date = :business_date
group by model_name
order by model_name
