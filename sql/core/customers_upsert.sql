insert into core.customers (customer_id, full_name, email, phone, home_store_id, signup_date)
values (:customer_id, :full_name, :email, :phone, :home_store_id, cast(:signup_date as date))
on conflict (customer_id) do update set
    full_name     = excluded.full_name,
    email         = excluded.email,
    phone         = excluded.phone,
    home_store_id = excluded.home_store_id,
    signup_date   = excluded.signup_date
