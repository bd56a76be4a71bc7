"""Month partitions of the tables that grow every night (migration 0011).

A writer asks for the month of the date it is about to replace before it writes: the partition
is created the first time a month is needed (``ops.ensure_month_partition``), in a short
transaction of its own, so the replace itself only ever touches one month's partition.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Engine, text

# Partitioned by month of their date column (business_date or run_date).
PARTITIONED = frozenset({
    "raw.pos_lines", "raw.door_counts", "core.pos_lines", "core.door_counts",
    "forecast.traffic_hourly", "forecast.sales_daily", "loyalty.churn_scores",
})  # fmt: skip


def ensure_months(engine: Engine, tables: Iterable[str], days: Iterable[date]) -> None:
    """Create the month partitions of ``tables`` (the partitioned ones) holding ``days``."""
    wanted = [t for t in tables if t in PARTITIONED]
    months = sorted({day.replace(day=1) for day in days})
    if not wanted or not months:
        return
    with engine.begin() as conn:
        for table in wanted:
            for month in months:
                conn.execute(
                    text("select ops.ensure_month_partition(cast(:t as regclass), :d)"),
                    {"t": table, "d": month},
                )
