from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipelines.window import RunWindow

LIMA = ZoneInfo("America/Lima")


def test_business_date_is_the_local_day_the_interval_starts() -> None:
    # The 02:00 Lima run of 2026-11-22 (07:00 UTC) covers the day before.
    window = RunWindow.from_interval(
        datetime(2026, 11, 21, 7, tzinfo=UTC),
        datetime(2026, 11, 22, 7, tzinfo=UTC),
        datetime(2026, 11, 22, 7, tzinfo=UTC),
        "scheduled__x",
        LIMA,
    )
    assert window.logical_date == date(2026, 11, 22)
    assert window.business_date == date(2026, 11, 21)


def test_missing_logical_date_falls_back_to_interval_end() -> None:
    window = RunWindow.from_interval(
        datetime(2026, 1, 1, 7, tzinfo=UTC), datetime(2026, 1, 2, 7, tzinfo=UTC), None, "r", LIMA
    )
    assert window.logical_date == date(2026, 1, 2)


def test_reference_round_trips_through_json_types() -> None:
    window = RunWindow.from_interval(
        datetime(2026, 3, 1, 7, tzinfo=UTC), datetime(2026, 3, 2, 7, tzinfo=UTC), None, "r", LIMA
    )
    ref = window.to_ref()
    assert all(isinstance(v, str) for v in ref.values())
    assert RunWindow.from_ref(ref) == window


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 1, 2, 7, tzinfo=UTC), datetime(2026, 1, 1, 7, tzinfo=UTC)),
        (datetime(2026, 1, 1, 7), datetime(2026, 1, 2, 7)),
    ],
)
def test_rejects_empty_or_naive_intervals(start: datetime, end: datetime) -> None:
    with pytest.raises(ValueError):
        RunWindow.from_interval(start, end, None, "r", LIMA)
