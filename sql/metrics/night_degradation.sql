-- Per model: degradation events open as of the night (found then or earlier, not resolved by
-- then) and how many of the night's own events were alerted.
select
    model_name,
    count(*) filter (where resolved_on is null or resolved_on > :business_date) as open_events,
    count(*) filter (where business_date = :business_date and alerted) as alerted
from monitoring.degradation_events
where business_date <= :business_date
group by model_name
order by model_name
