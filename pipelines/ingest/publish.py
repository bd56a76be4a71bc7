"""Publish a validated dataset to core.* for one business date, in one transaction."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, text

from pipelines.paths import SQL_DIR
from pipelines.sources.datasets import Dataset
from pipelines.sqlfiles import sql


def _statements(name: str) -> list[str]:
    body = (SQL_DIR / "core" / f"publish_{name}.sql").read_text(encoding="utf-8")
    lines = [line for line in body.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def publish(engine: Engine, dataset: Dataset, first: date, last: date, tz: str) -> int:
    """Replace the dates' core rows with the raw rows the gate let through, in one transaction
    for the whole range (day by day, in order, so the latest promotions export wins)."""
    statements = _statements(dataset.name)
    published = 0
    with engine.begin() as conn:
        day = first
        while day <= last:
            params = {"business_date": day, "tz": tz}
            for statement in statements:
                result = conn.execute(text(statement), params)
                if statement.lower().startswith("insert"):
                    count = result.rowcount
            conn.execute(
                sql("ops/load_published"),
                {"business_date": day, "source": dataset.name, "rows": count},
            )
            published += count
            day += timedelta(days=1)
    return published
