insert into ref.stores
    (store_id, name, city, district, format, latitude, longitude, timezone, opening_hours,
     manager_name, manager_email, size_sqm, opened_on, updated_at)
values
    (:store_id, :name, :city, :district, :format, cast(:latitude as float),
     cast(:longitude as float), :timezone, cast(:opening_hours as jsonb), :manager_name,
     :manager_email, cast(:size_sqm as int), cast(:opened_on as date), clock_timestamp())
on conflict (store_id) do update set
    name          = excluded.name,
    city          = excluded.city,
    district      = excluded.district,
    format        = excluded.format,
    latitude      = excluded.latitude,
    longitude     = excluded.longitude,
    timezone      = excluded.timezone,
    opening_hours = excluded.opening_hours,
    manager_name  = excluded.manager_name,
    manager_email = excluded.manager_email,
    size_sqm      = excluded.size_sqm,
    opened_on     = excluded.opened_on,
    updated_at    = excluded.updated_at
where (ref.stores.name, ref.stores.city, ref.stores.district, ref.stores.format,
       ref.stores.latitude, ref.stores.longitude, ref.stores.timezone, ref.stores.opening_hours,
       ref.stores.manager_name, ref.stores.manager_email, ref.stores.size_sqm,
       ref.stores.opened_on)
   is distinct from
      (excluded.name, excluded.city, excluded.district, excluded.format, excluded.latitude,
       excluded.longitude, excluded.timezone, excluded.opening_hours, excluded.manager_name,
       excluded.manager_email, excluded.size_sqm, excluded.opened_on)
