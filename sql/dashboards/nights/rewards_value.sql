-- Value of the loyalty rewards granted each night, soles (PEN), by offer type.
select
    run_date::timestamp at time zone 'UTC' as time,
    offer_type as metric,
    sum(value_pen)::double precision as value
from loyalty.rewards
where offer_type <> 'none'
group by run_date, offer_type
order by time, metric
