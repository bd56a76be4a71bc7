-- Promotions each night recommended (its 14 days' candidates), by confidence.
select
    run_date::timestamp at time zone 'UTC' as time,
    confidence as metric,
    count(*)::double precision as value
from plan.promotions
group by run_date, confidence
order by time, metric
