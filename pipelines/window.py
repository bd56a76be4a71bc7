"""The run window: which business date a DAG run processes, derived from its trigger time.

The nightly DAG runs at 02:00 business time and processes the 24 hours before that. Airflow
labels each run with its trigger time (the logical date, "the night") and gives it that instant
as its data interval. The business date is the local calendar date on which the 24 hours start:
the run of 2026-11-22 02:00 covers 2026-11-21 02:00 -> 2026-11-22 02:00 and processes business
date 2026-11-21. Everything downstream is keyed on this, never on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# The nightly schedule's time of day (business timezone); see dags/nightshift_nightly.py.
SCHEDULE_TIME = time(2, 0)


def is_backfill(run_type: object) -> bool:
    """Whether Airflow's run type is a backfill. The task SDK's enum prints as
    "DagRunType.BACKFILL" and the core one as "backfill": compare the plain value."""
    return str(getattr(run_type, "value", run_type)) == "backfill"


@dataclass(frozen=True)
class RunWindow:
    logical_date: date
    business_date: date
    interval_start: datetime
    interval_end: datetime
    dag_run_id: str
    # A backfill re-runs history: its train tasks may reuse a recent night's model (see
    # pipelines.training.reuse) and it never moves the production champion alias.
    backfill: bool = False

    @classmethod
    def from_interval(
        cls,
        interval_start: datetime,
        interval_end: datetime,
        logical_date: datetime | None,
        dag_run_id: str,
        tz: ZoneInfo,
        backfill: bool = False,
    ) -> RunWindow:
        if interval_start.tzinfo is None or interval_end.tzinfo is None:
            raise ValueError("data interval bounds must be timezone-aware")
        if interval_end < interval_start:
            raise ValueError(f"data interval ends before it starts: {interval_start}")
        if interval_end == interval_start:
            # The nightly timetable has no interval: Airflow gives each run its trigger time
            # (the night) as the "interval". The night processes the 24 hours before it.
            interval_start = interval_end - timedelta(days=1)
        del logical_date  # the interval's end is the night, whatever Airflow labels the run
        logical = interval_end.astimezone(tz).date()
        return cls(
            logical_date=logical,
            business_date=interval_start.astimezone(tz).date(),
            interval_start=interval_start,
            interval_end=interval_end,
            dag_run_id=dag_run_id,
            backfill=backfill,
        )

    @classmethod
    def for_business_date(cls, day: date, tz: ZoneInfo, dag_run_id: str = "manual") -> RunWindow:
        """The window of the scheduled run that processes ``day`` (02:00 -> 02:00 next day)."""
        start = datetime.combine(day, SCHEDULE_TIME, tzinfo=tz)
        end = start + timedelta(days=1)
        return cls.from_interval(start, end, end, dag_run_id, tz)

    def to_ref(self) -> dict[str, str]:
        """A JSON-friendly reference, small enough for XCom."""
        return {
            "logical_date": self.logical_date.isoformat(),
            "business_date": self.business_date.isoformat(),
            "interval_start": self.interval_start.isoformat(),
            "interval_end": self.interval_end.isoformat(),
            "dag_run_id": self.dag_run_id,
            "backfill": "true" if self.backfill else "false",
        }

    @classmethod
    def from_ref(cls, ref: dict[str, Any]) -> RunWindow:
        return cls(
            logical_date=date.fromisoformat(ref["logical_date"]),
            business_date=date.fromisoformat(ref["business_date"]),
            interval_start=datetime.fromisoformat(ref["interval_start"]),
            interval_end=datetime.fromisoformat(ref["interval_end"]),
            dag_run_id=ref["dag_run_id"],
            backfill=ref.get("backfill") == "true",
        )
