-- Publish one business date's reviews; the text is stored verbatim (bound, never interpolated).
delete from core.reviews where business_date = :business_date;
insert into core.reviews
    (business_date, review_id, store_id, customer_id, ts_local, ts_utc, rating, language, text)
select r.business_date, r.review_id, r.store_id, nullif(r.customer_id, ''), r.ts::timestamp,
       r.ts::timestamp at time zone :tz, r.rating::numeric::smallint, r.language, r.text
from raw.reviews r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.reviews q
      where q.business_date = :business_date and q.raw_id = r.raw_id)
on conflict (review_id) do nothing;
