"""Publish a validated dataset to core.* for one business date, in one transaction."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, text

from pipelines.db.partitions import ensure_months
from pipelines.paths import SQL_DIR
from pipelines.sources.datasets import Dataset
from pipelines.sqlfiles import sql


def _statements(name: str) -> list[str]:
    body = (SQL_DIR / "core" / f"publish_{name}.sql").read_text(encoding="utf-8")
    lines = [line for line in body.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def publish(engine: Engine, dataset: Dataset, first: date, last: date, tz: str) -> int:
    """Replace the dates' core rows with the raw rows the gate let through, in one transaction
    for the whole range. A date's published count is its file's first ``select count`` or
    ``insert`` statement's (promotions: the export's own rows, not the calendar it updates)."""
    statements = _statements(dataset.name)
    published = 0
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    ensure_months(engine, [f"core.{dataset.name}"], days)
    with engine.begin() as conn:
        day = first
        while day <= last:
            params = {"business_date": day, "tz": tz}
            count = None
            for statement in statements:
                result = conn.execute(text(statement), params)
                if count is None and statement.lower().startswith("select count"):
                    count = int(result.scalar_one())
                elif count is None and statement.lower().startswith("insert"):
                    count = result.rowcount
            assert count is not None, f"sql/core/publish_{dataset.name}.sql counts nothing"
            conn.execute(
                sql("ops/load_published"),
                {"business_date": day, "source": dataset.name, "rows": count},
            )
            published += count
            day += timedelta(days=1)
    return published
