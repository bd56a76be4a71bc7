-- The marketing calendar exported on :business_date is the truth for the dates it covers
-- (:business_date .. +14) unless a later export, already published, covers them too. So the
-- covered dates are recomputed from every published export (core.promotions_as_of), whatever
-- order nights publish in: side by side in a backfill, or an old night re-run. Same rows
-- whatever the order, and a re-run gives the same rows.
-- The export's own rows: the count this publish reports.
select count(*)
from raw.promotions r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.promotions q
      where q.business_date = :business_date and q.raw_id = r.raw_id);
-- The export counts as published before the calendar is recomputed from the published ones.
update ops.loads set rows_published = (
    select count(*)
    from raw.promotions r
    where r.business_date = :business_date
      and not exists (
          select 1 from quarantine.promotions q
          where q.business_date = :business_date and q.raw_id = r.raw_id))
where business_date = :business_date and source = 'promotions';
delete from core.promotions
where date between :business_date and cast(:business_date as date) + 14;
insert into core.promotions (promo_id, store_id, date, category, discount_pct, channel, exported_on)
select promo_id, store_id, date, category, discount_pct, channel, exported_on
from core.promotions_as_of(:business_date, cast(:business_date as date) + 14, 'infinity');
