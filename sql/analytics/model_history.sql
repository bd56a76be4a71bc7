-- Every champion/challenger decision, for analysts (ops.* itself is restricted).
create or replace view analytics.model_history as
select
    business_date,
    model_name,
    challenger_version,
    champion_version,
    challenger_run_id,
    metric,
    higher_is_better,
    challenger_score,
    champion_score,
    margin,
    promoted,
    reason,
    decided_at
from ops.model_promotions;

comment on view analytics.model_history is
    'One row per model and business date: the nightly champion/challenger decision '
    '(ops.model_promotions).';
comment on column analytics.model_history.champion_version is
    'Registry version of the champion the challenger was compared with; NULL when there was '
    'none yet; baseline:<name> (e.g. baseline:seasonal_naive) when there was none and the '
    'challenger did not beat that simple baseline, whose forecast the night then served.';
comment on column analytics.model_history.metric is
    'Holdout metric both models were scored on (the same holdout).';
comment on column analytics.model_history.margin is
    'Relative improvement the challenger needed (NIGHTSHIFT_PROMOTION_MARGIN).';
comment on column analytics.model_history.promoted is
    'True when the challenger became the champion that night.';
