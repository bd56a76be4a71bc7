-- When did each model change, and why? Every nightly champion/challenger decision, newest
-- first, with both scores and whether the challenger was promoted.
select
    business_date,
    model_name,
    metric,
    round(challenger_score::numeric, 4) as challenger_score,
    round(champion_score::numeric, 4) as champion_score,
    challenger_version,
    champion_version,
    promoted,
    reason
from analytics.model_history
order by business_date desc, model_name;
