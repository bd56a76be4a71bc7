-- Every known customer gets a random pseudonymous key once; analysts only ever see the key.
insert into loyalty.customer_keys (customer_id)
select customer_id from core.customers
on conflict (customer_id) do nothing
