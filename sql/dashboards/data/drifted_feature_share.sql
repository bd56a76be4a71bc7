-- Share of each model's input features whose distribution drifted from the training reference,
-- per night.
select
    business_date::timestamp at time zone 'UTC' as time,
    model_name as metric,
    avg(case when drifted then 1.0 else 0.0 end)::double precision as value
from monitoring.feature_drift
group by business_date, model_name
order by time, metric
