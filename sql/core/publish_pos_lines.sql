-- Publish one business date's validated POS lines: replace the date's rows in one transaction.
-- Rows the gate quarantined stay out; timestamps are local (naive) plus UTC. A ticket line
-- already published for another date of the month before or after stays there (a re-sent
-- export): the table is keyed per date since the monthly partitions, and looking further would
-- read every month's partition, making each night slower as history grows.
delete from core.pos_lines where business_date = :business_date;
insert into core.pos_lines
    (business_date, ticket_id, line_id, store_id, ts_local, ts_utc, customer_id, category,
     product, quantity, unit_price, discount, payment_type, amount)
select
    r.business_date, r.ticket_id, r.line_id::int, r.store_id, r.ts::timestamp,
    r.ts::timestamp at time zone :tz, nullif(r.customer_id, ''), r.category, r.product,
    r.quantity::numeric::int, r.unit_price::numeric, r.discount::numeric, r.payment_type,
    r.amount::numeric
from raw.pos_lines r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.pos_lines q
      where q.business_date = :business_date and q.raw_id = r.raw_id)
  and not exists (
      select 1 from core.pos_lines c
      where c.ticket_id = r.ticket_id and c.line_id = r.line_id::int
        and c.business_date between cast(:business_date as date) - 31
                                and cast(:business_date as date) + 31
        and c.business_date <> :business_date)
on conflict (business_date, ticket_id, line_id) do nothing;
