-- One row per ticket (= one visit) of a loyalty member: when, where and how much.
select customer_id, ticket_id, min(store_id) as store_id, min(ts_local) as ts,
       sum(amount)::float as amount
from core.pos_lines
where customer_id is not null
  and business_date between :first and :last
group by customer_id, ticket_id
-- A fixed order: the features sum amounts per customer, and float sums depend on it.
order by customer_id, ticket_id
