-- Stores as analysts see them: ref.stores without the manager's name and email (contact data).
create or replace view analytics.stores as
select
    store_id,
    name,
    city,
    district,
    format,
    latitude,
    longitude,
    timezone,
    opening_hours,
    size_sqm,
    opened_on
from ref.stores;

comment on view analytics.stores is
    'One row per store: ref.stores without manager contact columns.';
comment on column analytics.stores.opening_hours is
    'ISO weekday -> {"open": "HH:MM", "close": "HH:MM"} local time; a missing weekday is '
    'closed, a close at or before the open time is after midnight.';
