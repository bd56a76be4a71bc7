-- Champion/challenger decisions of the last 60 nights, newest first.
select
    business_date::timestamp at time zone 'UTC' as time,
    model_name,
    challenger_version,
    champion_version,
    metric,
    challenger_score,
    champion_score,
    promoted,
    reason
from analytics.model_history
where business_date > (select max(business_date) - 60 from analytics.model_history)
order by business_date desc, model_name
