"""The business calendar: Peru public holidays, long weekends and paydays.

``build_calendar`` is pure (dates in, rows out); ``refresh_calendar`` upserts a window of it.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from itertools import groupby

import holidays
from sqlalchemy import Connection

from pipelines.sqlfiles import sql

# A run of this many consecutive days off (weekend or holiday) is a long weekend ("feriado largo").
LONG_WEEKEND_MIN_DAYS = 3


@dataclass(frozen=True)
class CalendarDay:
    date: date
    iso_weekday: int
    is_weekend: bool
    is_holiday: bool
    holiday_name: str | None
    is_long_weekend: bool
    is_payday: bool


def is_payday(day: date) -> bool:
    """Peruvian salaries are commonly paid on the 15th and on the last day of the month."""
    last = _stdlib_calendar.monthrange(day.year, day.month)[1]
    return day.day in (15, last)


def build_calendar(start: date, end: date, country: str = "PE") -> list[CalendarDay]:
    """One row per day in ``[start, end]`` (inclusive)."""
    if end < start:
        raise ValueError(f"calendar window ends ({end}) before it starts ({start})")
    # Look a few days past the window so long weekends that straddle its edges are detected.
    pad = timedelta(days=LONG_WEEKEND_MIN_DAYS)
    years = range((start - pad).year, (end + pad).year + 1)
    public = holidays.country_holidays(country, years=years, language="es")

    def day_off(day: date) -> bool:
        return day.isoweekday() >= 6 or day in public

    days = [start - pad + timedelta(days=i) for i in range((end - start).days + 1 + 2 * pad.days)]
    long_weekend: set[date] = set()
    for is_off, group in groupby(days, key=day_off):
        run = list(group)
        if is_off and len(run) >= LONG_WEEKEND_MIN_DAYS:
            long_weekend.update(run)

    rows = []
    for day in days:
        if start <= day <= end:
            name = public.get(day)
            rows.append(
                CalendarDay(
                    date=day,
                    iso_weekday=day.isoweekday(),
                    is_weekend=day.isoweekday() >= 6,
                    is_holiday=name is not None,
                    holiday_name=name,
                    is_long_weekend=day in long_weekend,
                    is_payday=is_payday(day),
                )
            )
    return rows


def refresh_calendar(conn: Connection, start: date, end: date, country: str = "PE") -> int:
    """Upsert the calendar for ``[start, end]``; returns the number of days written."""
    rows = [asdict(day) for day in build_calendar(start, end, country)]
    conn.execute(sql("ref/calendar_upsert"), rows)
    return len(rows)
