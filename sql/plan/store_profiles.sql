-- Each store's planning facts, with its conversion rate measured over the last 28 days
-- (tickets per door-counter visitor) instead of a format default.
with tickets as (
    select store_id, count(distinct ticket_id)::float as tickets
    from core.pos_lines
    where business_date between cast(:business_date as date) - 27 and :business_date
    group by store_id
), visitors as (
    select store_id, sum(count)::float as visitors
    from core.door_counts
    where business_date between cast(:business_date as date) - 27 and :business_date
    group by store_id
)
select s.store_id, s.format, coalesce(s.size_sqm, 200) as size_sqm, s.opening_hours,
       case when v.visitors > 0 then least(t.tickets / v.visitors, 1.0) end as conversion_rate
from ref.stores s
left join tickets t using (store_id)
left join visitors v using (store_id)
order by s.store_id
