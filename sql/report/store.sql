-- Who a store's report is about and who receives it.
select store_id, name, city, manager_name, manager_email
from ref.stores
where store_id = :store_id
