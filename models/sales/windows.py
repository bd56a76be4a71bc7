"""Vectorised look-ups into (rows, days) arrays: single days and trailing-window means."""

from __future__ import annotations

import numpy as np


def gather(values: np.ndarray, row: np.ndarray, day: np.ndarray) -> np.ndarray:
    """``values[row, day]``, NaN where ``day`` falls off the grid."""
    inside = (day >= 0) & (day < values.shape[1])
    out = np.full(len(row), np.nan)
    out[inside] = values[row[inside], day[inside]]
    return out


def trailing_mean(
    values: np.ndarray, row: np.ndarray, last: np.ndarray, window: int, min_count: int
) -> np.ndarray:
    """Mean of ``values[row, last - window + 1 .. last]`` over the known (finite) days; NaN
    where fewer than ``min_count`` days are known. Days off the grid count as unknown."""
    known = np.isfinite(values)
    sums = np.concatenate(
        [np.zeros((len(values), 1)), np.cumsum(np.where(known, values, 0.0), axis=1)], axis=1
    )
    counts = np.concatenate(
        [np.zeros((len(values), 1)), np.cumsum(known, axis=1, dtype=np.int64)], axis=1
    )
    days = values.shape[1]
    stop = np.clip(last + 1, 0, days)
    begin = np.clip(last - window + 1, 0, days)
    total = sums[row, stop] - sums[row, begin]
    count = counts[row, stop] - counts[row, begin]
    return np.divide(total, count, out=np.full(len(row), np.nan), where=count >= min_count)
