"""Publish a validated dataset to core.* for one business date, in one transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

from pipelines.paths import SQL_DIR
from pipelines.sources.datasets import Dataset
from pipelines.sqlfiles import sql


def _statements(name: str) -> list[str]:
    body = (SQL_DIR / "core" / f"publish_{name}.sql").read_text(encoding="utf-8")
    lines = [line for line in body.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def publish(engine: Engine, dataset: Dataset, business_date: date, tz: str) -> int:
    """Replace the date's core rows with the raw rows the gate let through; returns the count."""
    params = {"business_date": business_date, "tz": tz}
    published = 0
    with engine.begin() as conn:
        for statement in _statements(dataset.name):
            result = conn.execute(text(statement), params)
            if statement.lower().startswith("insert"):
                published = result.rowcount
        conn.execute(
            sql("ops/load_published"),
            {"business_date": business_date, "source": dataset.name, "rows": published},
        )
    return published
