"""Reference exports: the store master (ref.stores) and loyalty members (core.customers).

Both are full snapshots, upserted by key: a store or member that disappears from a snapshot is
kept (history references it); changed attributes are overwritten.
"""

from __future__ import annotations

import json
from typing import Any

import fsspec
import pandas as pd
from sqlalchemy import Engine

from pipelines.sqlfiles import sql

STORE_COLUMNS = (
    "store_id", "name", "city", "district", "format", "latitude", "longitude", "timezone",
    "opening_hours", "manager_name", "manager_email", "size_sqm", "opened_on",
)  # fmt: skip
CUSTOMER_COLUMNS = ("customer_id", "full_name", "email", "phone", "home_store_id", "signup_date")


def _read_snapshot(landing: str, name: str) -> pd.DataFrame | None:
    fs, root = fsspec.core.url_to_fs(landing)
    path = f"{root.rstrip('/')}/{name}.csv"
    if not fs.exists(path):
        return None
    with fs.open(path, "rb") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"snapshot lacks columns {missing}")
    return [
        {k: (v if v != "" else None) for k, v in row.items()}
        for row in frame[list(columns)].to_dict("records")
    ]


def load_stores(engine: Engine, landing: str) -> int:
    frame = _read_snapshot(landing, "stores")
    if frame is None:
        return 0
    rows = _records(frame, STORE_COLUMNS)
    for row in rows:
        json.loads(row["opening_hours"])  # fail loudly on a malformed opening-hours object
    with engine.begin() as conn:
        conn.execute(sql("ref/stores_upsert"), rows)
    return len(rows)


def load_customers(engine: Engine, landing: str) -> int:
    frame = _read_snapshot(landing, "customers")
    if frame is None:
        return 0
    rows = _records(frame, CUSTOMER_COLUMNS)
    with engine.begin() as conn:
        conn.execute(sql("core/customers_upsert"), rows)
    return len(rows)
