"""Model inputs from a simulator landing directory (pure pandas/pyarrow reads, no database).

For evaluation and tests: the pipeline builds the same frames from the core tables. Layout:
``pos/<day>/transactions.csv``, ``pos/<day>/door_counts.csv``, ``promotions/<day>/promotions.csv``
(the plan as exported that day), ``weather/hourly.csv`` and ``stores.csv``; Parquet twins of
the per-day files are read too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from models.sales.frame import SalesInputs, weather_for_stores

# A day's door count is used when at least this many of its 24 hours were counted.
MIN_COUNTED_HOURS = 20


def _day_files(root: Path, folder: str, kind: str) -> Iterator[tuple[pd.Timestamp, Path]]:
    for day_dir in sorted((root / folder).glob("*")):
        for suffix in ("csv", "parquet"):
            path = day_dir / f"{kind}.{suffix}"
            if path.exists():
                yield pd.Timestamp(day_dir.name), path


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pq.read_table(path, columns=columns).to_pandas()
    options = pa_csv.ConvertOptions(include_columns=columns)
    return pa_csv.read_csv(path, convert_options=options).to_pandas()


def daily_sales(root: Path) -> pd.DataFrame:
    """store_id, category, date, sales: the sum of line amounts per business day (the folder
    day, so a restaurant's tickets after midnight stay on the night they belong to)."""
    frames = []
    for day, path in _day_files(root, "pos", "transactions"):
        lines = _read(path, ["store_id", "category", "amount"])
        lines["amount"] = pd.to_numeric(lines["amount"], errors="coerce")
        totals = lines.groupby(["store_id", "category"], as_index=False)["amount"].sum()
        frames.append(totals.assign(date=day))
    sales = pd.concat(frames, ignore_index=True).rename(columns={"amount": "sales"})
    return sales[["store_id", "category", "date", "sales"]]


def planned_promotions(root: Path) -> pd.DataFrame:
    """store_id, date, category, discount_pct, first_seen: each promotion row as in its latest
    export, and the first export day that listed it (when it was first known)."""
    frames = [
        _read(path, ["store_id", "date", "category", "discount_pct"]).assign(exported_on=day)
        for day, path in _day_files(root, "promotions", "promotions")
    ]
    plan = pd.concat(frames, ignore_index=True)
    plan["date"] = pd.to_datetime(plan["date"])
    keys = ["store_id", "date", "category"]
    plan = plan.sort_values([*keys, "exported_on"])
    first_seen = plan.groupby(keys)["exported_on"].transform("min")
    latest = plan.assign(first_seen=first_seen).drop_duplicates(keys, keep="last")
    return latest[[*keys, "discount_pct", "first_seen"]].reset_index(drop=True)


def daily_door_counts(root: Path) -> pd.DataFrame:
    """store_id, date, traffic_p50: people through the door per day (NaN on days the counter
    was out for more than a few hours)."""
    frames = []
    for day, path in _day_files(root, "pos", "door_counts"):
        counts = _read(path, ["store_id", "count"])
        counts["count"] = pd.to_numeric(counts["count"], errors="coerce")
        per_store = counts.groupby("store_id")["count"].agg(["sum", "count"])
        traffic = per_store["sum"].where(per_store["count"] >= MIN_COUNTED_HOURS)
        frames.append(traffic.rename("traffic_p50").reset_index().assign(date=day))
    return pd.concat(frames, ignore_index=True)[["store_id", "date", "traffic_p50"]]


def daily_weather(root: Path, stores: pd.DataFrame) -> pd.DataFrame:
    """store_id, date, temp_mean, precip_sum from the city's hourly weather."""
    hourly = pd.read_csv(root / "weather" / "hourly.csv", parse_dates=["ts"])
    hourly["date"] = hourly["ts"].dt.normalize()
    daily = hourly.groupby(["city", "date"], as_index=False).agg(
        temp_mean=("temperature_2m", "mean"), precip_sum=("precipitation", "sum")
    )
    return weather_for_stores(daily, stores)


def load_landing(root: Path) -> SalesInputs:
    """Every input the forecaster reads, from one simulator run."""
    stores = pd.read_csv(root / "stores.csv")
    return SalesInputs(
        sales=daily_sales(root),
        promotions=planned_promotions(root),
        weather=daily_weather(root, stores),
        traffic=daily_door_counts(root),
    )
