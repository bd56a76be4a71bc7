-- Stores of the store master that sent no rows of a dataset for the business date (one row per
-- dataset with a store column).
select 'pos_lines' as source, s.store_id
from ref.stores s
where not exists (select 1 from core.pos_lines p
                  where p.business_date = :business_date and p.store_id = s.store_id)
union all
select 'door_counts', s.store_id
from ref.stores s
where not exists (select 1 from core.door_counts d
                  where d.business_date = :business_date and d.store_id = s.store_id)
union all
select 'staffing', s.store_id
from ref.stores s
where not exists (select 1 from core.staffing t
                  where t.business_date = :business_date and t.store_id = s.store_id)
order by 1, 2
