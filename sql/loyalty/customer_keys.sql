select k.customer_id, k.customer_key, c.home_store_id
from loyalty.customer_keys k
join core.customers c using (customer_id)
