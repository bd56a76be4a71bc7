-- The marketing calendar for the dates first_day..last_day as known on as_of (a business date):
-- each date as planned by the latest promotions export, published up to as_of, that covered it
-- (an export on day E is the truth for E..E+14). Past dates come out as they ran; dates after
-- as_of as that night's export planned them, whatever later exports changed since (core.promotions
-- always holds the latest). first_seen: the first export, up to as_of, that listed the promotion.
-- Nights that run side by side, or again later, so read the same plan.
create or replace function core.promotions_as_of(first_day date, last_day date, as_of date)
returns table (promo_id text, store_id text, date date, category text, discount_pct numeric,
               channel text, exported_on date, first_seen date)
language sql
stable
as $$
    with exports as (
        select l.business_date as exported_on
        from ops.loads l
        where l.source = 'promotions'
          and l.rows_published is not null
          and l.business_date between first_day - 14 and least(last_day, as_of)
    ), exported as (
        select r.business_date as exported_on, r.promo_id, r.store_id, r.date::date as date,
               r.category, r.discount_pct::numeric as discount_pct, r.channel
        from raw.promotions r
        join exports e on e.exported_on = r.business_date
        where not exists (
            select 1 from quarantine.promotions q
            where q.business_date = r.business_date and q.raw_id = r.raw_id)
    ), days as (
        select d::date as date from generate_series(first_day, last_day, interval '1 day') d
    ), truth as (
        select days.date, max(e.exported_on) as exported_on
        from days
        join exports e on e.exported_on between days.date - 14 and least(days.date, as_of)
        group by days.date
    )
    select x.promo_id, x.store_id, x.date, x.category, x.discount_pct, x.channel, x.exported_on,
           (select min(s.exported_on) from exported s
            where s.promo_id = x.promo_id and s.store_id = x.store_id and s.date = x.date)
    from truth t
    join exported x on x.exported_on = t.exported_on and x.date = t.date
$$;
