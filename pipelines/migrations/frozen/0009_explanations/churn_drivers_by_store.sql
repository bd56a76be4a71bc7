-- Which reasons drive members' churn risk, per store and night: counts and mean contributions
-- only, no member key, and only groups of at least five members.
create or replace view analytics.churn_drivers_by_store as
select
    run_date,
    store_id,
    selection,
    reason_group,
    feature,
    count(*) filter (where rank = 1) as members_top_driver,
    count(*) as members_with_driver,
    avg(contribution_logit) as mean_contribution_logit,
    model_version
from explanations.churn_drivers
where feature <> 'other_features'
group by run_date, store_id, selection, reason_group, feature, model_version
having count(*) >= 5;

comment on view analytics.churn_drivers_by_store is
    'Churn-score drivers aggregated per store and night (explanations.churn_drivers is '
    'restricted): how many explained members have each feature among their top drivers.';
comment on column analytics.churn_drivers_by_store.selection is
    '''offer_candidate'': members considered for a reward (biased towards high risk and VIPs); '
    '''sample'': a fixed random sample of members.';
comment on column analytics.churn_drivers_by_store.mean_contribution_logit is
    'Mean contribution to the log-odds of not returning within 30 days (positive = more risk).';
