-- Loyalty rewards granted each night, by offer type (members offered nothing left out).
select
    run_date::timestamp at time zone 'UTC' as time,
    offer_type as metric,
    count(*)::double precision as value
from loyalty.rewards
where offer_type <> 'none'
group by run_date, offer_type
order by time, metric
