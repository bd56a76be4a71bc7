-- One calendar day; reference data is keyed by date, so a re-run overwrites in place.
insert into ref.calendar
    (date, iso_weekday, is_weekend, is_holiday, holiday_name, is_long_weekend, is_payday)
values
    (:date, :iso_weekday, :is_weekend, :is_holiday, :holiday_name, :is_long_weekend, :is_payday)
on conflict (date) do update set
    iso_weekday     = excluded.iso_weekday,
    is_weekend      = excluded.is_weekend,
    is_holiday      = excluded.is_holiday,
    holiday_name    = excluded.holiday_name,
    is_long_weekend = excluded.is_long_weekend,
    is_payday       = excluded.is_payday
