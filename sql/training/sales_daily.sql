-- Daily sales per store and category (PEN), the sales model's target.
select store_id, category, business_date as date, sum(amount)::float as sales
from core.pos_lines
where business_date between :first and :last
group by store_id, category, business_date
order by 1, 2, 3
