"""Ingest: bring the night's inputs into PostgreSQL for the run's business date.

Today this refreshes the reference calendar around the business date; the POS, weather and
review sources join here as their connectors land.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from pipelines.reference.calendar import refresh_calendar
from pipelines.window import RunWindow

# Training looks back up to two years and lag features a year further; plans look 14+ days ahead.
CALENDAR_HISTORY_DAYS = 3 * 366
CALENDAR_HORIZON_DAYS = 35


def calendar_window(window: RunWindow) -> tuple[date, date]:
    day = window.business_date
    return day - timedelta(days=CALENDAR_HISTORY_DAYS), day + timedelta(days=CALENDAR_HORIZON_DAYS)


def ingest_reference(engine: Engine, window: RunWindow, country: str) -> dict[str, Any]:
    start, end = calendar_window(window)
    with engine.begin() as conn:
        days = refresh_calendar(conn, start, end, country)
    return {"calendar_days": days}
