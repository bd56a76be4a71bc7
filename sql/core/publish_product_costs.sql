-- Publish one business date's cost list: the unit cost of each product valid from that date.
-- Margins read each product's latest published cost on or before the night (a product missing
-- from a night's list, or quarantined there, keeps its earlier cost).
delete from core.product_costs where business_date = :business_date;
insert into core.product_costs (business_date, product, category, unit_cost)
select r.business_date, r.product, r.category, r.unit_cost::numeric
from raw.product_costs r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.product_costs q
      where q.business_date = :business_date and q.raw_id = r.raw_id)
on conflict (business_date, product) do nothing;
