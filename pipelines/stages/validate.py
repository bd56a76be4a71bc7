"""Validate: the Great Expectations gate. A failure stops the run before anything is published."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.sqlfiles import sql
from pipelines.validation import validate_frame
from pipelines.window import RunWindow

# The calendar rows a night depends on: four weeks of history and the two-week planning horizon.
VALIDATED_HISTORY_DAYS = 27
VALIDATED_HORIZON_DAYS = 14


def validate_reference(engine: Engine, window: RunWindow) -> dict[str, Any]:
    start = window.business_date - timedelta(days=VALIDATED_HISTORY_DAYS)
    end = window.business_date + timedelta(days=VALIDATED_HORIZON_DAYS)
    with engine.connect() as conn:
        frame = pd.read_sql(sql("ref/calendar_window"), conn, params={"start": start, "end": end})
    report = validate_frame(frame, "ref_calendar")
    report.raise_for_failures(f"ref.calendar {start}..{end}")
    return {"calendar_rows_validated": len(frame), "expectations_passed": report.evaluated}
