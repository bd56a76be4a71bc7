"""The simple forecasts the network must beat, from data strictly before an origin (pure).

- seasonal naive: the same hour one week earlier (the most recent known week before the origin);
- same-hour mean: the mean of the same hour over the 4 weeks before the origin.
"""

from __future__ import annotations

import numpy as np

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
