-- Publish the weather fetched for one business date: that day's observations and the forecast
-- issued that night (both stamped issued_on = the business date).
delete from core.weather_hourly where business_date = :business_date;
insert into core.weather_hourly
    (business_date, kind, city, ts_local, issued_on, ts_utc, temperature_2m, precipitation,
     relative_humidity_2m)
select r.business_date, r.kind, r.city, replace(r.ts, 'T', ' ')::timestamp, r.business_date,
       replace(r.ts, 'T', ' ')::timestamp at time zone :tz, r.temperature_2m::float,
       r.precipitation::float, r.relative_humidity_2m::float
from raw.weather r
where r.business_date = :business_date
  and not exists (
      select 1 from quarantine.weather q
      where q.business_date = :business_date and q.raw_id = r.raw_id)
on conflict do nothing;
