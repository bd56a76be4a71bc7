"""Input tables to a complete hourly panel (pure: DataFrame in, arrays out).

Every series is reindexed onto one shared hourly grid; hours without a count (outages, gaps,
dates before a store opened) are NaN, so later steps can mask them out of the loss and flag
them as missing inputs instead of mistaking them for zero traffic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.errors import NightshiftError

REQUIRED_COLUMNS = ("location_id", "ts", "count")
# Other names accepted for location_id (the point-of-sale exports call it store_id).
LOCATION_ALIASES = ("store_id",)
HOUR = pd.Timedelta(hours=1)


def clean_history(frame: pd.DataFrame, exog_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Validate and normalise a history table: ``location_id`` str, ``ts`` naive hourly,
    ``count`` float (NaN allowed) and the given exogenous columns as float.

    Sub-hourly rows are summed into their hour; repeated (location, ts) rows keep the last.
    """
    if "location_id" not in frame.columns:
        alias = next((a for a in LOCATION_ALIASES if a in frame.columns), None)
        frame = frame.rename(columns={alias: "location_id"}) if alias else frame
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise NightshiftError(
            f"traffic history lacks column(s) {', '.join(missing)}: "
            f"expected {', '.join(REQUIRED_COLUMNS)}"
        )
    try:
        ts = pd.to_datetime(frame["ts"])
    except (ValueError, TypeError) as error:
        raise NightshiftError(f"column ts holds values that are not timestamps: {error}") from None
    if ts.isna().any():
        raise NightshiftError(f"column ts has {int(ts.isna().sum())} empty value(s)")
    if ts.dt.tz is not None:
        # Wall-clock hours are what drive foot traffic: keep the local time, drop the zone.
        ts = ts.dt.tz_localize(None)
    clean = pd.DataFrame({"location_id": frame["location_id"].astype(str), "ts": ts})
    for column in ("count", *exog_columns):
        values = pd.to_numeric(frame[column], errors="coerce")
        if frame[column].notna().sum() != values.notna().sum():
            raise NightshiftError(f"column {column} holds values that are not numbers")
        clean[column] = values.astype("float64")
    if (clean["count"] < 0).any():
        raise NightshiftError("column count has negative values: foot traffic cannot be < 0")
    clean = clean.drop_duplicates(["location_id", "ts"], keep="last")
    clean["ts"] = clean["ts"].dt.floor("h")
    hourly = clean.groupby(["location_id", "ts"], sort=True).sum(min_count=1).reset_index()
    return hourly


@dataclass(frozen=True)
class Panel:
    """Series on one hourly grid: ``counts[s, t]`` is location ``s`` at ``start + t`` hours."""

    locations: tuple[str, ...]
    start: pd.Timestamp
    counts: np.ndarray  # [S, T] float32, NaN where unknown
    exog: np.ndarray  # [S, T, E] float32, NaN where unknown
    exog_columns: tuple[str, ...]

    @property
    def hours(self) -> int:
        return int(self.counts.shape[1])

    @property
    def timestamps(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, periods=self.hours, freq="h")

    def index_of(self, ts: pd.Timestamp) -> int:
        return int((pd.Timestamp(ts) - self.start) // HOUR)

    def padded(self, before: int, after: int) -> Panel:
        """The same panel with NaN hours added on both sides (room for windows at the edges)."""
        pad = ((0, 0), (before, after))
        return Panel(
            locations=self.locations,
            start=self.start - before * HOUR,
            counts=np.pad(self.counts, pad, constant_values=np.nan),
            exog=np.pad(self.exog, (*pad, (0, 0)), constant_values=np.nan),
            exog_columns=self.exog_columns,
        )


def build_panel(
    history: pd.DataFrame,
    exog_columns: tuple[str, ...],
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    locations: tuple[str, ...] | None = None,
) -> Panel:
    """Pivot a cleaned history onto the hourly grid ``[start, end)`` (default: its own span),
    one row per location (default: those in the history, sorted)."""
    start = pd.Timestamp(history["ts"].min() if start is None else start)
    end = pd.Timestamp(history["ts"].max() + HOUR if end is None else end)
    if locations is None:
        locations = tuple(sorted(history["location_id"].unique()))
    hours = max(int((end - start) // HOUR), 0)
    row = pd.Index(locations).get_indexer(history["location_id"])
    col = ((history["ts"] - start) // HOUR).to_numpy(dtype=np.int64)
    inside = (row >= 0) & (col >= 0) & (col < hours)
    row, col = row[inside], col[inside]

    counts = np.full((len(locations), hours), np.nan, dtype=np.float32)
    counts[row, col] = history["count"].to_numpy(dtype=np.float32)[inside]
    exog = np.full((len(locations), hours, len(exog_columns)), np.nan, dtype=np.float32)
    for k, column in enumerate(exog_columns):
        exog[row, col, k] = history[column].to_numpy(dtype=np.float32)[inside]
    return Panel(locations, start, counts, exog, exog_columns)


def exog_moments(panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and standard deviation (1 where constant) for standardising exog."""
    width = len(panel.exog_columns)
    if width == 0:
        return np.zeros(0, dtype=np.float32), np.ones(0, dtype=np.float32)
    flat = panel.exog.reshape(-1, width).astype(np.float64)
    observed = ~np.isnan(flat)
    count = np.maximum(observed.sum(axis=0), 1)
    mean = np.where(observed, flat, 0).sum(axis=0) / count
    var = np.where(observed, (flat - mean) ** 2, 0).sum(axis=0) / count
    std = np.sqrt(var)
    return mean.astype(np.float32), np.where(std > 0, std, 1).astype(np.float32)
