"""What one store's morning report says, gathered from the warehouse into plain dataclasses.

Rendering (chart, HTML, text) only reads these, so it can be tested without a database. The
plan's run date is the business date just processed; the first planned day ("today" for the
manager reading at 7 a.m.) is the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection, Engine

from pipelines.errors import NightshiftError
from pipelines.report.themes import ThemeCount, top_themes
from pipelines.sqlfiles import sql

HORIZON_DAYS = 7
REVIEW_WINDOW_DAYS = 7  # fixed in sql/report/review_windows.sql too
RISK_HOURS_SHOWN = 10
THEMES_SHOWN = 3


@dataclass(frozen=True)
class Store:
    store_id: str
    name: str
    city: str
    manager_name: str
    manager_email: str


@dataclass(frozen=True)
class HourPoint:
    """One hour of the chart; None where that side has no row (closed, or past the forecast)."""

    ts: datetime
    p10: float | None
    p50: float | None
    p90: float | None
    staff: int | None


@dataclass(frozen=True)
class Shift:
    day: date
    role: str  # cashier | floor
    number: int
    start: datetime
    end: datetime
    hours: float


@dataclass(frozen=True)
class RiskHour:
    """An hour where the plan hits the store's maximum staff for ``roles``."""

    ts: datetime
    traffic_p50: float
    traffic_planned: float
    staff: int
    roles: tuple[str, ...]


@dataclass(frozen=True)
class ReviewSignal:
    reviews: int
    negative: int
    previous_reviews: int
    sentiment: float | None  # mean over the last 7 days, in [-1, 1]
    previous_sentiment: float | None  # the 7 days before, same source
    source: Literal["model", "rating"]
    themes: tuple[ThemeCount, ...]

    @property
    def change(self) -> float | None:
        if self.sentiment is None or self.previous_sentiment is None:
            return None
        return self.sentiment - self.previous_sentiment


@dataclass(frozen=True)
class WhyDay:
    """A plan day the traffic network expects to differ from a normal day of its weekday, and
    the drivers that push it that way (``models.traffic.attribution`` names), largest first."""

    day: date
    change: float  # forecast / usual - 1
    drivers: tuple[str, ...]


@dataclass(frozen=True)
class WhyWeek:
    """The "why this week" section: unusual days, or a note that there is too little history
    to compare with. Absent (None on the report) when the night has no traffic explanations."""

    days: tuple[WhyDay, ...]
    enough_history: bool


@dataclass(frozen=True)
class StoreReport:
    store: Store
    business_date: date  # the plan's run date
    hours: tuple[HourPoint, ...]
    shifts: tuple[Shift, ...]  # today's and tomorrow's
    risk_hours: tuple[RiskHour, ...]  # the busiest RISK_HOURS_SHOWN of them
    risk_hours_total: int
    reviews: ReviewSignal
    model_version: str | None
    why: WhyWeek | None = None

    @property
    def first_day(self) -> date:
        return self.business_date + timedelta(days=1)

    @property
    def shift_days(self) -> tuple[date, date]:
        return self.first_day, self.first_day + timedelta(days=1)

    def shifts_on(self, day: date, role: str) -> list[Shift]:
        return [s for s in self.shifts if s.day == day and s.role == role]


def planned_store_ids(engine: Engine, business_date: date) -> list[str]:
    """The stores with a staffing plan for ``business_date``: the ones that get a report."""
    with engine.connect() as conn:
        rows = conn.execute(sql("report/planned_stores"), {"run_date": business_date})
        return [str(store_id) for store_id in rows.scalars()]


def gather_report(engine: Engine, store_id: str, business_date: date) -> StoreReport:
    """Everything one store's report shows; NightshiftError if there is no plan to report."""
    run = {"run_date": business_date, "store_id": store_id}
    first_day = business_date + timedelta(days=1)
    with engine.connect() as conn:
        store = _store(conn, store_id)
        version = conn.execute(sql("report/model_version"), run).scalar_one_or_none()
        if version is None:
            raise NightshiftError(
                f"store {store_id} has no staffing plan for {business_date}: "
                "run the nightly pipeline for that date first"
            )
        first_hour = datetime.combine(first_day, time())
        hours = conn.execute(
            sql("report/hourly"),
            run | {"first_hour": first_hour, "end_hour": first_hour + timedelta(HORIZON_DAYS)},
        ).mappings()
        points = tuple(
            HourPoint(
                r["ts_local"], _float(r["p10"]), _float(r["p50"]), _float(r["p90"]), r["staff"]
            )
            for r in hours
        )
        shifts = conn.execute(
            sql("report/shifts"),
            run | {"first_day": first_day, "last_day": first_day + timedelta(days=1)},
        ).mappings()
        shift_rows = tuple(
            Shift(
                r["business_date"],
                r["role"],
                r["shift_no"],
                r["shift_start"],
                r["shift_end"],
                float(r["hours"]),
            )
            for r in shifts
        )
        risks = [
            RiskHour(
                r["ts_local"],
                float(r["traffic_p50"]),
                float(r["traffic_planned"]),
                r["staff"],
                tuple(r["roles"].split(",")),
            )
            for r in conn.execute(sql("report/risk_hours"), run).mappings()
        ]
        reviews = _review_signal(conn, store_id, business_date)
        why = _why_week(conn, store_id, business_date)
    return StoreReport(
        store=store,
        business_date=business_date,
        hours=points,
        shifts=shift_rows,
        risk_hours=tuple(risks[:RISK_HOURS_SHOWN]),
        risk_hours_total=len(risks),
        reviews=reviews,
        model_version=version,
        why=why,
    )


def _why_week(conn: Connection, store_id: str, business_date: date) -> WhyWeek | None:
    from pipelines.explanations.traffic import named_drivers

    params = {"run_date": business_date, "store_id": store_id}
    rows = pd.DataFrame(conn.execute(sql("report/why_days"), params).mappings().all())
    if rows.empty:
        return None
    rows = rows.rename(
        columns={"contribution_visitors": "contribution", "usual_visitors": "usual",
                 "forecast_visitors": "forecast"}
    )  # fmt: skip
    days = []
    for day, drivers in rows[rows["unusual"]].groupby("date", sort=True):
        change = float(drivers["change_pct"].iloc[0])
        days.append(WhyDay(day, change, tuple(named_drivers(drivers))))
    return WhyWeek(tuple(days), bool(rows["enough_history"].all()))


def _store(conn: Connection, store_id: str) -> Store:
    row = conn.execute(sql("report/store"), {"store_id": store_id}).mappings().one_or_none()
    if row is None:
        raise NightshiftError(f"unknown store {store_id!r}: it is not in ref.stores")
    return Store(**row)


def _review_signal(conn: Connection, store_id: str, business_date: date) -> ReviewSignal:
    params = {"store_id": store_id, "business_date": business_date}
    periods: dict[str, dict[str, Any]] = {
        r["period"]: dict(r) for r in conn.execute(sql("report/review_windows"), params).mappings()
    }
    current = periods.get("current", {"reviews": 0, "scored": 0})
    previous = periods.get("previous", {"reviews": 0, "scored": 0})
    # Compare like with like: model scores only when every review of both weeks has one (the
    # review scores table may be empty, or fill up only from the night scoring started);
    # otherwise star ratings for both weeks.
    fully_scored = current["scored"] == current["reviews"] > 0 and (
        previous["scored"] == previous["reviews"]
    )
    source: Literal["model", "rating"] = "model" if fully_scored else "rating"
    column = f"{source}_sentiment"
    texts = conn.execute(sql("report/negative_reviews"), params).scalars()
    return ReviewSignal(
        reviews=int(current["reviews"]),
        negative=int(current.get("negative", 0)),
        previous_reviews=int(previous["reviews"]),
        sentiment=_float(current.get(column)),
        previous_sentiment=_float(previous.get(column)),
        source=source,
        themes=tuple(top_themes(texts, THEMES_SHOWN)),
    )


def _float(value: Any) -> float | None:
    # PostgreSQL's avg() of numerics arrives as Decimal; the report only needs floats.
    return None if value is None else float(value)
