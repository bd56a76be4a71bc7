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


def test_baseline_forecast_serves_a_table_with_a_band() -> None:
    """What the forecast stage publishes when no network beat the baselines."""
    import pandas as pd

    from models.traffic.baselines import baseline_forecast

    start = pd.Timestamp("2024-06-03")
    weeks = (1.0, 2.0, 3.0, 6.0)
    hours = pd.date_range(start, periods=4 * WEEK, freq="h")
    history = pd.DataFrame({"location_id": "A", "ts": hours, "count": np.repeat(weeks, WEEK)})
    history = pd.concat(  # store B opened in the last week: nothing known before
        [history, pd.DataFrame({"location_id": "B", "ts": hours[-WEEK:], "count": 5.0})]
    )
    origin = start + pd.Timedelta(hours=4 * WEEK)
    mean = baseline_forecast(history, origin, 48, "same_hour_mean_4w")
    naive = baseline_forecast(history, origin, 48, "seasonal_naive")
    assert list(mean.columns) == ["location_id", "ts", "p10", "p50", "p90"]
    assert len(mean) == 2 * 48 and mean["ts"].min() == origin
    a, b = mean[mean["location_id"] == "A"], naive[naive["location_id"] == "B"]
    np.testing.assert_allclose(a["p50"], 3.0)  # mean of 1, 2, 3, 6
    np.testing.assert_allclose(naive.loc[naive["location_id"] == "A", "p50"], 6.0)
    np.testing.assert_allclose(b["p50"], 5.0)
    np.testing.assert_allclose(a["p10"], np.quantile(weeks, 0.1))
    np.testing.assert_allclose(a["p90"], np.quantile(weeks, 0.9))
    assert ((naive["p10"] <= naive["p50"]) & (naive["p50"] <= naive["p90"])).all()
