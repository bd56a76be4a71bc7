from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipelines.window import RunWindow, is_backfill

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


def test_a_run_of_the_nightly_timetable_processes_the_24_hours_before_its_night() -> None:
    # CronTriggerTimetable without an interval: the data interval is the trigger instant, and
    # every kind of run (scheduled, backfill, manual, dag.test) carries that same label.
    night = datetime(2026, 11, 22, 7, tzinfo=UTC)  # 02:00 Lima
    window = RunWindow.from_interval(night, night, night, "backfill__x", LIMA)
    assert (window.logical_date, window.business_date) == (date(2026, 11, 22), date(2026, 11, 21))
    assert window.interval_start == datetime(2026, 11, 21, 7, tzinfo=UTC)
    assert window.interval_end == night
    # A run triggered by hand in the afternoon processes the 24 hours before it too.
    afternoon = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)
    manual = RunWindow.from_interval(afternoon, afternoon, afternoon, "manual__x", LIMA)
    assert manual.business_date == date(2026, 11, 21)


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
def test_rejects_reversed_or_naive_intervals(start: datetime, end: datetime) -> None:
    with pytest.raises(ValueError):
        RunWindow.from_interval(start, end, None, "r", LIMA)


def test_backfill_runs_are_recognised_and_the_flag_travels_with_the_reference() -> None:
    from airflow.sdk.api.datamodels._generated import DagRunType as TaskDagRunType
    from airflow.utils.types import DagRunType

    assert is_backfill(TaskDagRunType.BACKFILL) and is_backfill(DagRunType.BACKFILL_JOB)
    assert is_backfill("backfill")
    assert not any(is_backfill(t) for t in (TaskDagRunType.SCHEDULED, "manual", None))
    window = RunWindow.for_business_date(date(2026, 11, 21), LIMA)
    flagged = replace(window, backfill=True)
    assert RunWindow.from_ref(json.loads(json.dumps(flagged.to_ref()))) == flagged
    assert RunWindow.from_ref(window.to_ref()).backfill is False
