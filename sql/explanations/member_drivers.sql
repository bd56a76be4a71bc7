-- Tonight's churn drivers of the members the rewards stage considers, by pseudonymous key.
select d.customer_key::text as customer_key, d.rank, d.feature, d.reason_group,
       d.feature_value, d.contribution_logit
from explanations.churn_drivers d
where d.run_date = :business_date
order by d.customer_key, d.rank
