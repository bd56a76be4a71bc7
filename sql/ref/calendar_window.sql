select date, iso_weekday, is_weekend, is_holiday, holiday_name, is_long_weekend, is_payday
from ref.calendar
where date between :start and :end
order by date
