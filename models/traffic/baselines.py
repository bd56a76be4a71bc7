"""The simple forecasts the network must beat, from data strictly before an origin (pure).

- seasonal naive: the same hour one week earlier (the most recent known week before the origin);
- same-hour mean: the mean of the same hour over the 4 weeks before the origin.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from models.traffic.config import ANCHOR_WEEKS, HOURS_PER_WEEK


def _same_hour_values(counts: np.ndarray, origin: int, horizon: int, weeks: int) -> np.ndarray:
    """``[S, horizon, weeks]`` counts at the same hour of week, most recent (before the
    origin) first; NaN where that hour is unknown or before the panel starts."""
    steps = np.arange(horizon)
    back = steps[:, None] // HOURS_PER_WEEK + 1 + np.arange(weeks)
    positions = origin + steps[:, None] - HOURS_PER_WEEK * back
    inside = positions >= 0
    values = counts[:, np.where(inside, positions, 0)]
    return np.where(inside[None], values, np.nan)


def seasonal_naive(counts: np.ndarray, origin: int, horizon: int) -> np.ndarray:
    """``[S, horizon]``: same hour last week; if unknown, the week before (up to 4 weeks)."""
    values = _same_hour_values(counts, origin, horizon, ANCHOR_WEEKS)
    known = ~np.isnan(values)
    first = known.argmax(axis=2)
    chosen = np.take_along_axis(values, first[..., None], axis=2)[..., 0]
    return np.where(known.any(axis=2), chosen, np.nan)


def same_hour_mean(
    counts: np.ndarray, origin: int, horizon: int, weeks: int = ANCHOR_WEEKS
) -> np.ndarray:
    """``[S, horizon]``: mean of the known same-hour counts of the last ``weeks`` weeks."""
    values = _same_hour_values(counts, origin, horizon, weeks)
    known = ~np.isnan(values)
    total = np.where(known, values, 0.0).sum(axis=2)
    count = known.sum(axis=2)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def seasonal_naive_scale(counts: np.ndarray) -> np.ndarray:
    """``[S]`` in-sample MAE of the lag-168 forecast (the MASE denominator); NaN when a
    series has no pair of known hours a week apart or never changes."""
    diff = np.abs(counts[:, HOURS_PER_WEEK:] - counts[:, :-HOURS_PER_WEEK])
    known = ~np.isnan(diff)
    count = known.sum(axis=1)
    mae = np.where(known, diff, 0.0).sum(axis=1) / np.maximum(count, 1)
    return np.where((count > 0) & (mae > 0), mae, np.nan)


# What the pipeline serves when no network beat these on its first night (a table in, a table
# out; the functions above work on [S, T] arrays).
BASELINES = {"seasonal_naive": seasonal_naive, "same_hour_mean_4w": same_hour_mean}


def baseline_forecast(
    history: pd.DataFrame, origin: pd.Timestamp, horizon: int, kind: str
) -> pd.DataFrame:
    """[location_id, ts, p10, p50, p90] for ``horizon`` hours from ``origin``, from the hourly
    ``history`` [location_id, ts, count] strictly before it: P50 is the ``kind`` baseline, the
    P10-P90 band the 10th-90th percentile of the same hour over the last 4 weeks (widened to
    contain P50). Hours with nothing known in those weeks (outages, new stores) get 0."""
    from models.traffic.inputs import forecast_frame

    origin = pd.Timestamp(origin)
    first = origin - pd.Timedelta(hours=ANCHOR_WEEKS * HOURS_PER_WEEK)
    known = history[(history["ts"] >= first) & (history["ts"] < origin)]
    locations = tuple(sorted(history["location_id"].unique()))
    hours = pd.date_range(first, origin, freq="h", inclusive="left")
    counts = (
        known.pivot_table(index="location_id", columns="ts", values="count", aggfunc="mean")
        .reindex(index=list(locations), columns=hours)
        .to_numpy(dtype=float)
    )
    end = counts.shape[1]
    p50 = BASELINES[kind](counts, end, horizon)
    weeks = _same_hour_values(counts, end, horizon, ANCHOR_WEEKS)
    with warnings.catch_warnings():  # all-NaN hours: no band, handled below
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanquantile(weeks, [0.1, 0.9], axis=2)
    p50 = np.nan_to_num(p50, nan=0.0)
    low = np.minimum(np.nan_to_num(low, nan=0.0), p50)
    high = np.maximum(np.nan_to_num(high, nan=0.0), p50)
    return forecast_frame(locations, origin, horizon, {"p10": low, "p50": p50, "p90": high})
