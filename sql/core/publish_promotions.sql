-- The marketing calendar exported on :business_date is the truth for the dates it covers:
-- upsert its promotions, then drop promotions in that window that the export no longer lists
-- (cancelled). Re-running the date gives the same rows.
insert into core.promotions (promo_id, store_id, date, category, discount_pct, channel, exported_on)
select r.promo_id, r.store_id, r.date::date, r.category, r.discount_pct::numeric, r.channel,
       r.business_date
from raw.promotions r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.promotions q
      where q.business_date = :business_date and q.raw_id = r.raw_id)
on conflict (promo_id, store_id, date) do update set
    category     = excluded.category,
    discount_pct = excluded.discount_pct,
    channel      = excluded.channel,
    exported_on  = excluded.exported_on;
delete from core.promotions
where date between :business_date and cast(:business_date as date) + 14
  and exported_on < :business_date;
