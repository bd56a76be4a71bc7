"""From history tables to window builders, shared by the network and the GBM baseline (pure)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from models.traffic.config import TrafficConfig
from models.traffic.data import HOUR, Panel, build_panel, clean_history
from models.traffic.features import calendar_features
from models.traffic.sampling import OriginRanges
from models.traffic.windows import Batch, WindowBuilder
from pipelines.errors import NightshiftError


def clean_with_exog(history: pd.DataFrame, exog_columns: tuple[str, ...]) -> pd.DataFrame:
    """``clean_history`` where absent exogenous columns become all-unknown, not an error."""
    absent = [c for c in exog_columns if c not in history.columns]
    frame = history.assign(**{c: np.nan for c in absent}) if absent else history
    return clean_history(frame, exog_columns)


def make_builder(
    panel: Panel,
    config: TrafficConfig,
    exog_mean: np.ndarray,
    exog_std: np.ndarray,
    known_locations: tuple[str, ...],
) -> WindowBuilder:
    """Windows over ``panel``; locations outside ``known_locations`` get the unknown
    embedding (index 0)."""
    known = {loc: i + 1 for i, loc in enumerate(known_locations)}
    series_index = np.array([known.get(loc, 0) for loc in panel.locations], dtype=np.int64)
    calendar = calendar_features(panel.timestamps, config.country)
    return WindowBuilder(panel, calendar, config, exog_mean, exog_std, series_index)


def origin_of(table: pd.DataFrame, origin: pd.Timestamp | str | None) -> pd.Timestamp:
    """The first forecast hour: as given, or one hour after the last timestamp."""
    return table["ts"].max() + HOUR if origin is None else pd.Timestamp(origin).floor("h")


def forecast_panel(
    table: pd.DataFrame,
    config: TrafficConfig,
    exog_columns: tuple[str, ...],
    origin: pd.Timestamp,
    future_exog: pd.DataFrame | None,
) -> Panel:
    """The ``reach`` hours before ``origin`` (strictly before: nothing later is read) and
    ``horizon`` empty hours after it, for every location with history before the origin.
    The origin is at ``panel.index_of(origin) == config.reach``."""
    before = table[table["ts"] < origin]
    if before.empty:
        raise NightshiftError(f"no traffic history before the forecast origin {origin}")
    start = origin - config.reach * HOUR
    panel = build_panel(
        before[before["ts"] >= start],
        exog_columns,
        start=start,
        end=origin,
        locations=tuple(sorted(before["location_id"].unique())),
    ).padded(0, config.horizon)
    if future_exog is not None and exog_columns:
        panel = _fill_future_exog(panel, future_exog, exog_columns, config.reach)
    return panel


def forecast_frame(
    locations: tuple[str, ...], origin: pd.Timestamp, horizon: int, values: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Rows (location_id, ts) for ``[S, horizon]`` arrays of forecasts."""
    steps = pd.date_range(origin, periods=horizon, freq="h")
    return pd.DataFrame(
        {
            "location_id": np.repeat(np.array(locations, dtype=object), horizon),
            "ts": np.tile(steps.to_numpy(), len(locations)),
            **{name: array.reshape(-1) for name, array in values.items()},
        }
    )


def fixed_windows(
    builder: WindowBuilder, ranges: OriginRanges, count: int, batch_size: int, seed: int
) -> list[Batch]:
    """A reproducible set of windows (e.g. for validation), in batches."""
    rng = np.random.default_rng(seed)
    rows, origins = ranges.sample(min(count, ranges.total), rng)
    order = np.lexsort((origins, rows))
    chunks = np.array_split(order, max(1, len(order) // batch_size))
    return [builder.build(rows[chunk], origins[chunk]) for chunk in chunks]


def _fill_future_exog(
    panel: Panel, future_exog: pd.DataFrame, columns: tuple[str, ...], origin: int
) -> Panel:
    """Write forecasts of the exogenous columns into the horizon part of the panel. Rows
    without ``location_id`` (e.g. city weather) apply to every location."""
    frame = future_exog.copy()
    frame["ts"] = pd.to_datetime(frame["ts"]).dt.floor("h")
    exog = panel.exog.copy()
    col = ((frame["ts"] - panel.start) // HOUR).to_numpy(dtype=np.int64)
    inside = (col >= origin) & (col < panel.hours)
    by_location = "location_id" in frame.columns
    if by_location:
        rows = pd.Index(panel.locations).get_indexer(frame["location_id"].astype(str))
        inside &= rows >= 0
    for k, column in enumerate(columns):
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float32)
        if by_location:
            exog[rows[inside], col[inside], k] = values[inside]
        else:
            exog[:, col[inside], k] = values[inside][None, :]
    return dataclasses.replace(panel, exog=exog)
