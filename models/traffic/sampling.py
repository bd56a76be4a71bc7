"""Which (series, origin) windows train and validate the network (pure numpy).

Windows are sampled, not enumerated: each epoch draws a fixed number of random origins, which
keeps an epoch's cost independent of how much history there is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OriginRanges:
    """Valid origins ``low[i] <= origin <= high[i]`` of panel row ``rows[i]``."""

    rows: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @property
    def total(self) -> int:
        return int((self.high - self.low + 1).sum())

    def sample(self, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``count`` windows drawn uniformly over all valid (row, origin) pairs."""
        sizes = self.high - self.low + 1
        picks = rng.integers(0, self.total, size=count)
        which = np.searchsorted(np.cumsum(sizes), picks, side="right")
        offsets = picks - (np.cumsum(sizes) - sizes)[which]
        return self.rows[which], self.low[which] + offsets


def first_observed(counts: np.ndarray) -> np.ndarray:
    """Index of each row's first known count (the row length where there is none)."""
    known = ~np.isnan(counts)
    return np.where(known.any(axis=1), known.argmax(axis=1), counts.shape[1])


def origin_ranges(
    counts: np.ndarray, *, begin: int, end: int, horizon: int, min_history: int
) -> OriginRanges:
    """Origins whose whole horizon lies in ``[begin, end)`` and that follow at least
    ``min_history`` hours after the series' first known count."""
    low = np.maximum(first_observed(counts) + min_history, begin)
    high = np.full_like(low, end - horizon)
    valid = high >= low
    return OriginRanges(np.flatnonzero(valid), low[valid], high[valid])


@dataclass(frozen=True)
class Split:
    train: OriginRanges
    validation: OriginRanges | None


def time_ordered_split(
    counts: np.ndarray,
    *,
    start: int,
    horizon: int,
    min_history: int,
    validation_fraction: float,
    validation_hours: int | None = None,
) -> Split:
    """Training windows end before the last stretch of history; validation windows forecast
    into it (what early stopping watches). Falls back to no validation when history is short.

    The stretch is ``validation_fraction`` of the history, or ``validation_hours`` when given
    (a fine-tune: the starting weights never trained on the fraction's stretch)."""
    end = counts.shape[1]
    span = end - start
    wanted = round(validation_fraction * span) if validation_hours is None else validation_hours
    cut = end - max(horizon, wanted)
    train = origin_ranges(counts, begin=start, end=cut, horizon=horizon, min_history=min_history)
    validation = origin_ranges(counts, begin=cut, end=end, horizon=horizon, min_history=min_history)
    if train.total == 0 or validation.total == 0:
        everything = origin_ranges(
            counts, begin=start, end=end, horizon=horizon, min_history=min_history
        )
        return Split(everything, None)
    return Split(train, validation)
