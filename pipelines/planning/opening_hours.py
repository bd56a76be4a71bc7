"""Turn a store's weekly opening hours into the hour grid the planner works on.

``ref.stores.opening_hours`` maps an ISO weekday ("1" = Monday) to local ``open``/``close``
times; a missing weekday means closed, and a close at or before the open time means the store
closes after midnight. Every hour then belongs to a *business date*: the hours after midnight of
a store open 12:00-01:00 belong to the day it opened, so shifts can span them as one block.

An hour slot counts as open when the store is open during any part of it (someone must be there
at 21:30 if it closes at 21:30). Times are naive local wall-clock times; Peru has no DST.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import pandas as pd

from pipelines.errors import NightshiftError

OpeningHours = Mapping[str, Mapping[str, str]]

_HOUR = timedelta(hours=1)


def open_span(opening_hours: OpeningHours, day: date) -> tuple[datetime, datetime] | None:
    """The open hour slots of business date ``day`` as ``[first slot start, last slot end)``."""
    times = opening_hours.get(str(day.isoweekday()))
    if times is None:
        return None
    try:
        opens, closes = _parse_time(times["open"]), _parse_time(times["close"])
    except (KeyError, TypeError, ValueError) as exc:
        raise NightshiftError(
            f"opening hours for ISO weekday {day.isoweekday()} must look like "
            f'{{"open": "10:00", "close": "22:00"}}, got {times!r}'
        ) from exc
    start = datetime.combine(day, opens)
    end = datetime.combine(day, closes)
    if end <= start:  # closes after midnight (or open round the clock when equal)
        end += timedelta(days=1)
    return _floor_hour(start), _ceil_hour(end)


def store_hours(opening_hours: OpeningHours, first_day: date, last_day: date) -> pd.DataFrame:
    """One row per hour slot of business dates ``first_day..last_day``: ts, business_date, is_open.

    Closed hours belong to their calendar date. Hours after midnight that belong to the day
    before ``first_day`` are left out (yesterday's plan staffs them); hours after midnight of
    ``last_day`` are included, as they belong to it.
    """
    if last_day < first_day:
        raise NightshiftError(f"planning horizon ends ({last_day}) before it starts ({first_day})")
    rows: list[tuple[datetime, date, bool]] = []
    previous = open_span(opening_hours, first_day - timedelta(days=1))
    day = first_day
    while day <= last_day:
        span = open_span(opening_hours, day)
        midnight = datetime.combine(day, time())
        spill_end = previous[1] if previous else midnight
        if span and span[0] < spill_end:
            raise NightshiftError(
                f"opening hours overlap: {day} opens at {span[0]:%H:%M} before the previous "
                f"day's late close at {spill_end:%H:%M}"
            )
        slot = max(midnight, spill_end)
        end_of_day = max(midnight + timedelta(days=1), span[1] if span else midnight)
        while slot < end_of_day:
            is_open = span is not None and span[0] <= slot < span[1]
            if is_open or slot < midnight + timedelta(days=1):
                rows.append((slot, day, is_open))
            slot += _HOUR
        previous, day = span, day + timedelta(days=1)
    frame = pd.DataFrame(rows, columns=["ts", "business_date", "is_open"])
    frame["ts"] = pd.to_datetime(frame["ts"])
    return frame


def _parse_time(text: str) -> time:
    # "24:00" is a common way to write "closes at midnight".
    return time(0, 0) if text.strip() == "24:00" else time.fromisoformat(text.strip())


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(moment: datetime) -> datetime:
    floored = _floor_hour(moment)
    return floored if floored == moment else floored + _HOUR
