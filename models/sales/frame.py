"""Input tables to one dense daily panel (pure: DataFrames in, arrays out).

Every (store, category) series is laid on one shared daily grid. Inside a store's open history
(its first to its last day with any sale) a missing row means no sale that day, so it is 0;
outside it the value is NaN, so features never mistake "not open yet" or "not reported yet" for
a day without customers. The sales data is taken to be complete up to ``history_end`` (the last
day in it, or the forecast origin), so a store that reported nothing on a day sold nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from models.sales.calendar import calendar_table
from pipelines.errors import NightshiftError

DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class SalesInputs:
    """What the lead builds from the core tables; only ``sales`` is required.

    sales: store_id, category, date, sales (PEN per day); promotions: store_id, date, category,
    discount_pct; weather: store_id, date, temp_mean, precip_sum; traffic: store_id, date,
    traffic_p50; calendar: date, iso_weekday, is_holiday, is_long_weekend, is_payday.
    """

    sales: pd.DataFrame
    promotions: pd.DataFrame | None = None
    weather: pd.DataFrame | None = None
    traffic: pd.DataFrame | None = None
    calendar: pd.DataFrame | None = None

    def sales_until(self, last_day: date | pd.Timestamp) -> SalesInputs:
        """The same inputs with sales after ``last_day`` dropped (what was known that night)."""
        days = _dates(self.sales["date"], "sales")
        return replace(self, sales=self.sales[days <= pd.Timestamp(last_day)])


@dataclass(frozen=True)
class DailyPanel:
    """``sales[i, t]`` is series ``i`` on day ``start + t``; per-store arrays are indexed by
    ``series_store[i]``. Weather and traffic arrays are None when those inputs were not given."""

    start: pd.Timestamp
    stores: tuple[str, ...]
    categories: tuple[str, ...]  # per series
    series_store: np.ndarray  # int, per series
    sales: np.ndarray  # (series, days), NaN outside the store's open history
    discount: np.ndarray  # (series, days), promoted discount as a fraction; 0 = none
    store_first: np.ndarray  # int day index of each store's first open day
    # Day index of the last day the sales data covers (for every store that had opened).
    history_end: int
    calendar: pd.DataFrame  # one row per day of the grid, numeric columns
    temp_mean: np.ndarray | None
    precip_sum: np.ndarray | None
    traffic: np.ndarray | None

    @property
    def days(self) -> int:
        return int(self.sales.shape[1])

    def index_of(self, day: date | pd.Timestamp) -> int:
        return int((pd.Timestamp(day).normalize() - self.start) // DAY)

    def day_at(self, index: np.ndarray) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.start + pd.to_timedelta(index, unit="D"))

    @property
    def series_store_ids(self) -> np.ndarray:
        return np.asarray(self.stores, dtype=object)[self.series_store]


def weather_for_stores(weather: pd.DataFrame, stores: pd.DataFrame) -> pd.DataFrame:
    """Per-city daily weather (city, date, temp_mean, precip_sum) as per-store rows, using a
    stores table (store_id, city)."""
    _require(weather, "weather", ("city", "date", "temp_mean", "precip_sum"))
    _require(stores, "stores", ("store_id", "city"))
    merged = stores[["store_id", "city"]].merge(weather, on="city")
    return merged[["store_id", "date", "temp_mean", "precip_sum"]].reset_index(drop=True)


def _dates(values: pd.Series, table: str) -> pd.Series:
    try:
        days = pd.to_datetime(values)
    except (ValueError, TypeError) as error:
        raise NightshiftError(f"{table}.date holds values that are not dates: {error}") from None
    if days.isna().any():
        raise NightshiftError(f"{table}.date has {int(days.isna().sum())} empty value(s)")
    if days.dt.tz is not None:
        days = days.dt.tz_localize(None)
    return days.dt.normalize().astype("datetime64[ns]")


def _require(frame: pd.DataFrame, table: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise NightshiftError(f"{table} lacks column(s) {', '.join(missing)}")


def _numbers(frame: pd.DataFrame, column: str, table: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    if values.notna().sum() != frame[column].notna().sum():
        raise NightshiftError(f"{table}.{column} holds values that are not numbers")
    return values


def clean_sales(frame: pd.DataFrame) -> pd.DataFrame:
    """store_id/category as str, date as midnight timestamps, repeated keys summed."""
    _require(frame, "sales", ("store_id", "category", "date", "sales"))
    clean = pd.DataFrame(
        {
            "store_id": frame["store_id"].astype(str),
            "category": frame["category"].astype(str),
            "date": _dates(frame["date"], "sales"),
            "sales": _numbers(frame, "sales", "sales").fillna(0.0),
        }
    )
    return clean.groupby(["store_id", "category", "date"], as_index=False, sort=True)["sales"].sum()


def clean_promotions(frame: pd.DataFrame | None) -> pd.DataFrame:
    """discount as a fraction (20 -> 0.2); two promotions on one key keep the deeper one."""
    columns = ["store_id", "category", "date", "discount"]
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    _require(frame, "promotions", ("store_id", "date", "category", "discount_pct"))
    clean = pd.DataFrame(
        {
            "store_id": frame["store_id"].astype(str),
            "category": frame["category"].astype(str),
            "date": _dates(frame["date"], "promotions"),
            "discount": _numbers(frame, "discount_pct", "promotions").fillna(0.0).clip(0, 100)
            / 100.0,
        }
    )
    return clean.groupby(["store_id", "category", "date"], as_index=False, sort=True).max()


def _store_day_array(
    frame: pd.DataFrame | None,
    table: str,
    column: str,
    stores: tuple[str, ...],
    start: pd.Timestamp,
    days: int,
) -> np.ndarray | None:
    if frame is None:
        return None
    _require(frame, table, ("store_id", "date", column))
    store = pd.Index(stores).get_indexer(frame["store_id"].astype(str))
    day = ((_dates(frame["date"], table) - start) // DAY).to_numpy(dtype=np.int64)
    values = _numbers(frame, column, table).to_numpy()
    keep = (store >= 0) & (day >= 0) & (day < days)
    out = np.full((len(stores), days), np.nan)
    out[store[keep], day[keep]] = values[keep]
    return out


def build_panel(
    inputs: SalesInputs,
    end: date | pd.Timestamp | None = None,
    history_end: date | pd.Timestamp | None = None,
    country: str = "PE",
) -> DailyPanel:
    """The panel from the first sale to ``end`` (default: ``history_end``), inclusive.

    Sales after ``history_end`` (default: the last day with a sale) are ignored; sales up to it
    are complete, missing rows meaning zero.
    """
    sales = clean_sales(inputs.sales)
    if history_end is not None:
        sales = sales[sales["date"] <= pd.Timestamp(history_end)]
    if sales.empty:
        raise NightshiftError("sales has no rows (before the forecast origin)")
    start = sales["date"].min()
    known = pd.Timestamp(history_end) if history_end is not None else sales["date"].max()
    last = max(known, pd.Timestamp(end)) if end is not None else known
    days = int((last - start) // DAY) + 1
    known_index = int((known - start) // DAY)

    stores = tuple(sorted(sales["store_id"].unique()))
    series = sales[["store_id", "category"]].drop_duplicates().reset_index(drop=True)
    series_store = pd.Index(stores).get_indexer(series["store_id"])
    day_of = ((sales["date"] - start) // DAY).to_numpy(dtype=np.int64)
    first_day = sales.assign(day=day_of).groupby("store_id")["day"].min()
    store_first = first_day.reindex(stores).to_numpy(dtype=np.int64)

    grid = np.arange(days)
    inside = (grid[None, :] >= store_first[series_store][:, None]) & (grid <= known_index)[None, :]
    values = np.where(inside, 0.0, np.nan)
    row = pd.MultiIndex.from_frame(series).get_indexer(
        pd.MultiIndex.from_frame(sales[["store_id", "category"]])
    )
    values[row, day_of] = sales["sales"].to_numpy()

    discount = np.zeros_like(values)
    promos = clean_promotions(inputs.promotions)
    if not promos.empty:
        promo_row = pd.MultiIndex.from_frame(series).get_indexer(
            pd.MultiIndex.from_frame(promos[["store_id", "category"]])
        )
        promo_day = ((promos["date"] - start) // DAY).to_numpy(dtype=np.int64)
        keep = (promo_row >= 0) & (promo_day >= 0) & (promo_day < days)
        discount[promo_row[keep], promo_day[keep]] = promos["discount"].to_numpy(float)[keep]

    weather = inputs.weather
    return DailyPanel(
        start=start,
        stores=stores,
        categories=tuple(series["category"]),
        series_store=series_store,
        sales=values,
        discount=discount,
        store_first=store_first,
        history_end=known_index,
        calendar=calendar_table(start, last, country, inputs.calendar),
        temp_mean=_store_day_array(weather, "weather", "temp_mean", stores, start, days),
        precip_sum=_store_day_array(weather, "weather", "precip_sum", stores, start, days),
        traffic=_store_day_array(inputs.traffic, "traffic", "traffic_p50", stores, start, days),
    )
