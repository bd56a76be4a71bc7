from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from pipelines.errors import NightshiftError
from pipelines.planning.opening_hours import store_hours

MONDAY = date(2026, 11, 23)


def open_slots(frame: pd.DataFrame, business_date: date) -> list[int]:
    rows = frame[frame["is_open"] & (frame["business_date"] == business_date)]
    return [ts.hour for ts in rows["ts"]]


def test_late_closing_hours_belong_to_the_day_the_store_opened() -> None:
    late = {"1": {"open": "12:00", "close": "01:00"}, "2": {"open": "12:00", "close": "01:00"}}
    frame = store_hours(late, MONDAY, date(2026, 11, 24))
    assert open_slots(frame, MONDAY) == [*range(12, 24), 0]
    after_midnight = frame[frame["ts"] == datetime(2026, 11, 24, 0)].iloc[0]
    assert after_midnight["business_date"] == MONDAY and after_midnight["is_open"]
    # Every hour of the horizon appears once, and the horizon runs to the last late close.
    assert frame["ts"].is_unique and frame["ts"].is_monotonic_increasing
    assert frame["ts"].max() == datetime(2026, 11, 25, 0)


def test_hours_after_midnight_from_before_the_horizon_are_left_to_yesterday() -> None:
    every_day_late = {str(day): {"open": "18:00", "close": "02:00"} for day in range(1, 8)}
    frame = store_hours(every_day_late, MONDAY, MONDAY)
    assert frame["ts"].min() == datetime(2026, 11, 23, 2)
    assert open_slots(frame, MONDAY) == [18, 19, 20, 21, 22, 23, 0, 1]


def test_a_missing_weekday_is_a_closed_day() -> None:
    frame = store_hours({"1": {"open": "10:00", "close": "22:00"}}, MONDAY, date(2026, 11, 24))
    tuesday = frame[frame["business_date"] == date(2026, 11, 24)]
    assert len(tuesday) == 24 and not tuesday["is_open"].any()


def test_a_partly_open_hour_is_an_open_hour() -> None:
    frame = store_hours({"1": {"open": "10:30", "close": "21:30"}}, MONDAY, MONDAY)
    assert open_slots(frame, MONDAY) == list(range(10, 22))


def test_round_the_clock_store_is_open_every_hour() -> None:
    always = {str(day): {"open": "00:00", "close": "24:00"} for day in range(1, 8)}
    frame = store_hours(always, MONDAY, date(2026, 11, 25))
    assert len(frame) == 72 and frame["is_open"].all()


def test_overlapping_days_are_refused() -> None:
    clash = {"1": {"open": "12:00", "close": "04:00"}, "2": {"open": "03:00", "close": "12:00"}}
    with pytest.raises(NightshiftError, match="overlap"):
        store_hours(clash, MONDAY, date(2026, 11, 24))


def test_malformed_hours_are_refused() -> None:
    with pytest.raises(NightshiftError, match="opening hours"):
        store_hours({"1": {"open": "10h"}}, MONDAY, MONDAY)
