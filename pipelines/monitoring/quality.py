"""Data quality per source for one business date: what the loads and the gate did, why rows were
quarantined, and how much of the published data is missing.

Rows of monitoring.data_quality, ``source`` being the dataset (``pos_lines``, ``door_counts``,
``staffing``, ``promotions``, ``reviews``, ``weather``):

* from ops.loads: ``rows_read``, ``rows_loaded``, ``rows_quarantined``, ``rows_published``,
  ``quarantine_rate`` (quarantined / read) and ``load_duration_s``;
* from quarantine.<dataset>: ``quarantined_rows`` and ``quarantine_rate`` per ``detail`` =
  reason;
* from the published core table: ``rows_core`` and ``null_share`` per ``detail`` = nullable
  column;
* ``stores_without_rows`` (POS lines, door counts, staffing): how many stores of the store
  master sent nothing, ``detail`` naming them (an empty store).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, text

from pipelines.sources.datasets import ALL
from pipelines.sqlfiles import sql

# dataset -> (core table, its date column)
CORE_TABLES = {
    "pos_lines": ("pos_lines", "business_date"),
    "door_counts": ("door_counts", "business_date"),
    "staffing": ("staffing", "business_date"),
    "promotions": ("promotions", "exported_on"),
    "reviews": ("reviews", "business_date"),
    "weather": ("weather_hourly", "business_date"),
}
Row = dict[str, Any]


def _row(source: str, metric: str, value: float | None, detail: str | None = None) -> Row:
    return {"source": source, "metric": metric, "detail": detail, "value": value}


def load_figures(engine: Engine, day: date) -> tuple[list[Row], dict[str, int]]:
    """Rows from ops.loads, and rows read per dataset (the quarantine rates' denominator)."""
    rows, read = [], {}
    with engine.connect() as conn:
        loads = conn.execute(sql("monitoring/quality_loads"), {"business_date": day}).all()
    for load in loads:
        read[load.source] = int(load.rows_read)
        rows += [
            _row(load.source, "rows_read", load.rows_read),
            _row(load.source, "rows_loaded", load.rows_loaded),
            _row(load.source, "load_duration_s", load.duration_s),
        ]
        if load.rows_quarantined is not None:
            rows.append(_row(load.source, "rows_quarantined", load.rows_quarantined))
            rate = load.rows_quarantined / load.rows_read if load.rows_read else None
            rows.append(_row(load.source, "quarantine_rate", rate))
        if load.rows_published is not None:
            rows.append(_row(load.source, "rows_published", load.rows_published))
    return rows, read


def quarantine_figures(engine: Engine, day: date, read: dict[str, int]) -> list[Row]:
    rows = []
    with engine.connect() as conn:
        for dataset in ALL:
            # The table name comes from the fixed dataset list, never from input.
            reasons = conn.execute(
                text(
                    f"select reason, count(*) as n from quarantine.{dataset.name} "
                    "where business_date = :day group by reason order by reason"
                ),
                {"day": day},
            ).all()
            for reason, count in reasons:
                rows.append(_row(dataset.name, "quarantined_rows", count, reason))
                total = read.get(dataset.name)
                rows.append(
                    _row(dataset.name, "quarantine_rate", count / total if total else None, reason)
                )
    return rows


def null_figures(engine: Engine, day: date) -> list[Row]:
    tables = {table: dataset for dataset, (table, _) in CORE_TABLES.items()}
    rows = []
    with engine.connect() as conn:
        nullable: dict[str, list[str]] = {}
        for table, column in conn.execute(
            sql("monitoring/nullable_columns"), {"tables": list(tables)}
        ):
            nullable.setdefault(table, []).append(column)
        for dataset, (table, date_column) in CORE_TABLES.items():
            columns = nullable.get(table, [])
            # Identifiers come from the catalog and the fixed table list above.
            counts = ", ".join(f'count("{c}")' for c in columns)
            found = conn.execute(
                text(
                    f"select count(*){', ' + counts if counts else ''} from core.{table} "
                    f"where {date_column} = :day"
                ),
                {"day": day},
            ).one()
            total = int(found[0])
            rows.append(_row(dataset, "rows_core", total))
            if total:
                rows += [
                    _row(dataset, "null_share", 1 - int(n) / total, column)
                    for column, n in zip(columns, found[1:], strict=True)
                ]
    return rows


def empty_store_figures(engine: Engine, day: date) -> list[Row]:
    with engine.connect() as conn:
        missing = conn.execute(sql("monitoring/stores_without_rows"), {"business_date": day}).all()
    by_source: dict[str, list[str]] = {"pos_lines": [], "door_counts": [], "staffing": []}
    for source, store in missing:
        by_source[source].append(store)
    return [
        _row(source, "stores_without_rows", len(stores), ", ".join(stores) or None)
        for source, stores in by_source.items()
    ]


def figures(engine: Engine, day: date) -> list[Row]:
    """Every data-quality row of the business date."""
    loads, read = load_figures(engine, day)
    return (
        loads
        + quarantine_figures(engine, day, read)
        + null_figures(engine, day)
        + empty_store_figures(engine, day)
    )
