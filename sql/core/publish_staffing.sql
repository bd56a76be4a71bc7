-- Publish one business date's staff on duty per store-hour.
delete from core.staffing where business_date = :business_date;
insert into core.staffing (business_date, store_id, ts_local, ts_utc, staff_on_duty)
select r.business_date, r.store_id, r.ts::timestamp, r.ts::timestamp at time zone :tz,
       r.staff_on_duty::numeric::int
from raw.staffing r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.staffing q
      where q.business_date = :business_date and q.raw_id = r.raw_id)
on conflict (store_id, ts_local) do nothing;
