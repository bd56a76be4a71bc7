-- Members scored on the night :run_date with whether they came back within the 30 days after
-- it (business dates :run_date + 1 .. :run_date + 30: the churn label's horizon).
with returned as (
    select distinct customer_id
    from core.pos_lines
    where customer_id is not null
      and business_date between cast(:run_date as date) + 1 and cast(:run_date as date) + 30
)
select c.customer_key, c.store_id, c.p_return_30d, c.model_version,
       (r.customer_id is not null) as returned
from loyalty.churn_scores c
join loyalty.customer_keys k using (customer_key)
left join returned r on r.customer_id = k.customer_id
where c.run_date = :run_date
order by c.customer_key
