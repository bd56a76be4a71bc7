"""Writing explanations: replace a run date's rows in one transaction, global importance, and
the guard that keeps a failed explanation from stopping the night."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine

from pipelines.sqlfiles import sql

log = logging.getLogger(__name__)


def optional(value: Any) -> float | None:
    """A float, or None for NaN / missing (a NULL column)."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def replace_run(
    conn: Connection, table: str, run_date: date, rows: list[dict[str, Any]], **keys: Any
) -> None:
    """Delete ``table``'s rows of ``run_date`` (and ``keys``), then insert ``rows``, with the
    statements ``sql/explanations/<table>_delete`` and ``<table>_insert``."""
    conn.execute(sql(f"explanations/{table}_delete"), {"run_date": run_date, **keys})
    if rows:
        conn.execute(sql(f"explanations/{table}_insert"), rows)


def write_importance(
    conn: Connection,
    run_date: date,
    model_name: str,
    version: str,
    importance: pd.Series,
    unit: str,
    rows_explained: int,
) -> None:
    """Replace ``model_name``'s global importance for ``run_date``: mean |contribution| per
    feature (largest first), with its share of the total."""
    total = float(importance.sum())
    rows = [
        {
            "run_date": run_date,
            "model_name": model_name,
            "feature": str(feature),
            "model_version": version,
            "rank": rank,
            "mean_abs": float(value),
            "share": float(value) / total if total > 0 else 0.0,
            "unit": unit,
            "rows_explained": int(rows_explained),
        }
        for rank, (feature, value) in enumerate(importance.items(), start=1)
    ]
    replace_run(conn, "feature_importance", run_date, rows, model_name=model_name)


def explain_safely(
    name: str,
    engine: Engine,
    run_date: date,
    tables: tuple[str, ...],
    explain: Callable[[], dict[str, Any]],
    model_name: str | None = None,
) -> dict[str, Any]:
    """Run one explanation step. Explanations are about numbers already published: if making
    one fails, the night goes on, the run log says why (``explain_<name>_error``, also in the
    task log with the traceback) and the date keeps no stale explanation rows in ``tables``
    (feature_importance: ``model_name``'s)."""
    try:
        return explain()
    except Exception as error:  # a failed explanation must not stop the plan
        log.exception("%s explanations failed for %s", name, run_date)
        clear_explanations(engine, run_date, tables, model_name)
        return {f"explain_{name}_error": f"{type(error).__name__}: {error}"[:500]}


def clear_explanations(
    engine: Engine, run_date: date, tables: tuple[str, ...], model_name: str | None = None
) -> None:
    """Delete ``run_date``'s rows of ``tables`` (feature_importance: ``model_name``'s): a night
    whose numbers have no explanation (a failed step, a baseline served) keeps none."""
    with engine.begin() as conn:
        for table in tables:
            params = {"run_date": run_date, "model_name": model_name}
            conn.execute(sql(f"explanations/{table}_delete"), params)
