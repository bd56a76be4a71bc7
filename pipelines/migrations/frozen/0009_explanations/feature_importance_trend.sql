-- What drives each model, night by night: global mean |SHAP| (or attribution) per feature and
-- its share, next to the share a week earlier, so a shift in what drives a model shows.
create or replace view analytics.feature_importance_trend as
select
    f.run_date,
    f.model_name,
    f.model_version,
    f.feature,
    f.rank,
    f.mean_abs,
    f.unit,
    f.share,
    w.share as share_week_before,
    f.share - w.share as share_change
from explanations.feature_importance f
left join explanations.feature_importance w
       on w.model_name = f.model_name and w.feature = f.feature
      and w.run_date = f.run_date - 7;

comment on view analytics.feature_importance_trend is
    'Each model''s global feature importance per night (explanations.feature_importance) with '
    'the change in each feature''s share over seven nights.';
comment on column analytics.feature_importance_trend.share_change is
    'share minus share_week_before; NULL when that night has no importance for the feature.';
