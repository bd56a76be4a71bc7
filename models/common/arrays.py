"""NaN-aware array helpers shared by the traffic and sales features (pure numpy)."""

from __future__ import annotations

import numpy as np


def nanmean(values: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean along ``axis`` ignoring NaN (NaN where nothing is observed) and the number of
    observed values; unlike np.nanmean, no warning for all-NaN slices."""
    observed = ~np.isnan(values)
    count = observed.sum(axis=axis)
    total = np.where(observed, values, 0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan), count
