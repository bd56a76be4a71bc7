"""Plan: turn forecasts into staffing, promotion and reward tables for the days ahead.

The planning horizon is the seven days after the business date; what is computed now is the
capacity every plan is bounded by, the hours each store is open in that horizon.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

PLANNING_HORIZON_DAYS = 7


def planning_capacity(engine: Engine, window: RunWindow) -> dict[str, Any]:
    start = window.business_date + timedelta(days=1)
    end = window.business_date + timedelta(days=PLANNING_HORIZON_DAYS)
    with engine.connect() as conn:
        row = conn.execute(sql("plan/open_store_hours"), {"start": start, "end": end}).one()
    return {"open_store_days": row.open_store_days, "open_store_hours": row.open_store_hours}
