from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text

from pipelines.reference.calendar import build_calendar, is_payday, refresh_calendar


def _by_date(start: date, end: date) -> dict:
    return {d.date: d for d in build_calendar(start, end)}


def test_peru_national_holidays_are_marked() -> None:
    days = _by_date(date(2026, 7, 1), date(2026, 12, 31))
    assert days[date(2026, 7, 28)].is_holiday  # Fiestas Patrias
    assert days[date(2026, 7, 29)].is_holiday
    assert days[date(2026, 12, 8)].holiday_name  # Inmaculada Concepción
    assert days[date(2026, 12, 25)].is_holiday
    assert not days[date(2026, 7, 30)].is_holiday
    assert days[date(2026, 7, 30)].holiday_name is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 15), True),
        (date(2026, 1, 31), True),
        (date(2026, 2, 28), True),  # last day of a short month
        (date(2028, 2, 28), False),  # leap year: the 29th is the last day
        (date(2028, 2, 29), True),
        (date(2026, 1, 30), False),
    ],
)
def test_paydays_are_the_15th_and_the_last_day(day: date, expected: bool) -> None:
    assert is_payday(day) is expected


def test_long_weekends_need_three_days_off_in_a_row() -> None:
    # 2026-06-29 (San Pedro y San Pablo) is a Monday: Sat 27, Sun 28, Mon 29 are one long weekend.
    days = _by_date(date(2026, 6, 20), date(2026, 7, 5))
    assert all(days[date(2026, 6, d)].is_long_weekend for d in (27, 28, 29))
    assert not days[date(2026, 6, 20)].is_long_weekend  # an ordinary weekend
    assert not days[date(2026, 6, 30)].is_long_weekend


def test_long_weekend_straddling_the_window_edge_is_detected() -> None:
    only_monday = build_calendar(date(2026, 6, 29), date(2026, 6, 29))
    assert only_monday[0].is_long_weekend


def test_window_is_inclusive_and_ordered() -> None:
    days = build_calendar(date(2026, 1, 1), date(2026, 1, 31))
    assert [d.date.day for d in days] == list(range(1, 32))
    with pytest.raises(ValueError):
        build_calendar(date(2026, 2, 1), date(2026, 1, 1))


def test_refresh_is_an_idempotent_upsert(engine: Engine) -> None:
    with engine.begin() as conn:
        assert refresh_calendar(conn, date(2030, 1, 1), date(2030, 1, 10)) == 10
        assert refresh_calendar(conn, date(2030, 1, 1), date(2030, 1, 10)) == 10
        count = conn.execute(
            text("select count(*) from ref.calendar where date between :a and :b"),
            {"a": date(2030, 1, 1), "b": date(2030, 1, 10)},
        ).scalar()
        new_year = conn.execute(
            text("select is_holiday from ref.calendar where date = '2030-01-01'")
        ).scalar()
    assert count == 10
    assert new_year is True
