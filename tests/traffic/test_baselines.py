"""The baselines the network is judged against, on hand-made series."""

from __future__ import annotations

import numpy as np

from models.traffic.baselines import same_hour_mean, seasonal_naive, seasonal_naive_scale

WEEK = 168


def _weeks(*values: float) -> np.ndarray:
    """One series: a constant level per week, oldest week first."""
    return np.concatenate([np.full(WEEK, v, dtype=float) for v in values])[None, :]


def test_seasonal_naive_repeats_last_week_and_skips_unknown_hours() -> None:
    counts = _weeks(1, 2, 3, 4)
    counts[0, 3 * WEEK + 5] = np.nan  # last week's hour 5 is unknown
    forecast = seasonal_naive(counts, origin=4 * WEEK, horizon=24)
    assert forecast[0, 0] == 4
    assert forecast[0, 5] == 3  # falls back to the week before


def test_same_hour_mean_averages_four_weeks_before_the_origin() -> None:
    counts = _weeks(100, 1, 2, 3, 6, 999)  # the week after the origin must not leak in
    forecast = same_hour_mean(counts, origin=5 * WEEK, horizon=WEEK)
    np.testing.assert_allclose(forecast, 3.0)


def test_horizons_beyond_a_week_reuse_the_weeks_before_the_origin() -> None:
    counts = _weeks(1, 2, 3, 4, 5, 6)
    naive = seasonal_naive(counts, origin=5 * WEEK, horizon=2 * WEEK)
    mean = same_hour_mean(counts, origin=5 * WEEK, horizon=2 * WEEK)
    np.testing.assert_allclose(naive, 5.0)  # never week 6, which starts at the origin
    np.testing.assert_allclose(mean, 3.5)


def test_mase_scale_is_the_lag_168_in_sample_error() -> None:
    counts = _weeks(1, 3, 6)
    np.testing.assert_allclose(seasonal_naive_scale(counts), [2.5])
    assert np.isnan(seasonal_naive_scale(_weeks(5, 5)))[0]  # never changes: no scale
