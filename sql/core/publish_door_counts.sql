-- Publish one business date's hourly door counts (a NULL count is a counter outage).
delete from core.door_counts where business_date = :business_date;
insert into core.door_counts (business_date, store_id, ts_local, ts_utc, count)
select r.business_date, r.store_id, r.ts::timestamp, r.ts::timestamp at time zone :tz,
       r.count::numeric::int
from raw.door_counts r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.door_counts q
      where q.business_date = :business_date and q.raw_id = r.raw_id)
  -- an hour published for a neighbouring date stays there (as the pre-partition key kept it;
  -- an hour's business date is never more than a day from its own)
  and not exists (
      select 1 from core.door_counts c
      where c.store_id = r.store_id and c.ts_local = r.ts::timestamp
        and c.business_date between cast(:business_date as date) - 2
                                and cast(:business_date as date) + 2
        and c.business_date <> :business_date)
on conflict (business_date, store_id, ts_local) do nothing;
