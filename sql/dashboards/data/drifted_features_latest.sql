-- Every feature tested on each model's latest night, drifted ones first.
select
    d.model_name,
    d.feature,
    d.test_name,
    d.statistic,
    d.p_value,
    d.threshold,
    d.drifted,
    d.business_date::timestamp at time zone 'UTC' as time
from monitoring.feature_drift d
where d.business_date = (
    select max(l.business_date) from monitoring.feature_drift l where l.model_name = d.model_name
)
order by d.drifted desc, d.model_name, d.feature
