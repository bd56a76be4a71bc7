"""The run log, ``ops.pipeline_runs``: one row per logical date, replaced on re-runs."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from pipelines.sqlfiles import sql
from pipelines.window import RunWindow


def record_start(engine: Engine, window: RunWindow, started_at: datetime) -> None:
    params = window.to_ref() | {"started_at": started_at}
    with engine.begin() as conn:
        conn.execute(sql("ops/pipeline_run_start"), params)


def record_finish(
    engine: Engine,
    window: RunWindow,
    status: str,
    counts: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    params = {
        "logical_date": window.logical_date,
        "status": status,
        "counts": json.dumps(counts or {}, sort_keys=True, default=str),
        "error": error,
    }
    with engine.begin() as conn:
        conn.execute(sql("ops/pipeline_run_finish"), params)


def fetch(engine: Engine, logical_date: Any) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = (
            conn.execute(sql("ops/pipeline_run_get"), {"logical_date": logical_date})
            .mappings()
            .first()
        )
    return dict(row) if row else None
