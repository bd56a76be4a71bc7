-- Each store-category's cost share over the 28 days up to the night: what its recent lines cost
-- the chain (quantity x each product's latest unit cost on or before the night) over what they
-- were worth at list price (quantity x unit price, before discounts). Lines whose product has
-- no cost are summed apart; the caller prices them with the default margin.
with costs as (
    select distinct on (product) product, unit_cost
    from core.product_costs
    where business_date <= :run_date
    order by product, business_date desc
)
select l.store_id,
       l.category,
       sum(l.quantity * l.unit_price)::float as list_sales,
       coalesce(sum(l.quantity * c.unit_cost), 0)::float as known_cost,
       coalesce(sum(l.quantity * l.unit_price) filter (where c.unit_cost is null), 0)::float
           as uncosted_sales
from core.pos_lines l
left join costs c using (product)
where l.business_date between cast(:run_date as date) - 27 and :run_date
group by l.store_id, l.category
order by l.store_id, l.category
