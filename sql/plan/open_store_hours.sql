-- Store-days and store-hours open in [:start, :end], from ref.stores' opening hours per ISO
-- weekday. A closing time at or before the opening time means the store closes after midnight.
with open_days as (
    select
        s.store_id,
        c.date,
        (s.opening_hours -> c.iso_weekday::text ->> 'open')::time  as opens,
        (s.opening_hours -> c.iso_weekday::text ->> 'close')::time as closes
    from ref.stores s
    join ref.calendar c on c.date between :start and :end
    where s.opening_hours ? c.iso_weekday::text
)
select
    count(*)::int as open_store_days,
    coalesce(sum(extract(epoch from (closes - opens
        + case when closes <= opens then interval '24 hours' else interval '0' end)) / 3600), 0)
        ::float as open_store_hours
from open_days
