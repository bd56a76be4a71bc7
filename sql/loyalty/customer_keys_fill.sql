-- Every known customer gets a pseudonymous key once; analysts only ever see the key. With a key
-- secret (NIGHTSHIFT_CUSTOMER_KEY_SECRET) the key is a keyed SHA-256 of the customer id, the
-- same in every rebuild of the warehouse and useless without the secret; without one, random.
insert into loyalty.customer_keys (customer_id, customer_key)
select customer_id,
       case when cast(:secret as text) is null then gen_random_uuid()
            else cast(substr(encode(sha256(convert_to(cast(:secret as text) || ':' || customer_id,
                                                      'UTF8')), 'hex'), 1, 32) as uuid)
       end
from core.customers
on conflict (customer_id) do nothing
