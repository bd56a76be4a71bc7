"""The P10-P90 band is calibrated to cover 80% of held-out hours, around an untouched P50."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.traffic.calibration import (
    SCALE_RANGE,
    TARGET_COVERAGE,
    apply_interval_scale,
    open_mask,
    scale_for_coverage,
)


def test_a_too_wide_band_is_narrowed_to_the_target_coverage() -> None:
    rng = np.random.default_rng(0)
    actual = rng.normal(100, 10, 20_000)
    p50 = np.full_like(actual, 100.0)
    # A band of +-2 sd covers ~95%: the factor must shrink it to ~80% (+-1.28 sd).
    scale = scale_for_coverage(p50 - 20, p50, p50 + 20, actual)
    assert 0.6 < scale < 0.68
    band = apply_interval_scale(np.stack([p50 - 20, p50, p50 + 20], axis=-1), scale)
    covered = np.mean((actual >= band[:, 0]) & (actual <= band[:, 2]))
    assert abs(covered - TARGET_COVERAGE) < 0.01
    assert np.array_equal(band[:, 1], p50)  # the median is untouched


def test_a_too_narrow_band_is_widened_and_quantiles_stay_ordered() -> None:
    rng = np.random.default_rng(1)
    actual = rng.normal(50, 5, 10_000)
    p50 = np.full_like(actual, 50.0)
    scale = scale_for_coverage(p50 - 1, p50, p50 + 1, actual)
    assert scale > 1
    band = apply_interval_scale(np.stack([p50 - 1, p50, p50 + 2], axis=-1), scale)
    assert (band[:, 0] <= band[:, 1]).all() and (band[:, 1] <= band[:, 2]).all()


def test_the_factor_is_applied_to_open_hours_and_closed_hours_keep_their_band() -> None:
    # A batch's future column 0 is the seasonal anchor: zero for hours the store is closed.
    future = np.zeros((1, 4, 3))
    future[0, :, 0] = [0.0, 1.2, 0.8, 0.0]
    is_open = open_mask(future)
    assert is_open.tolist() == [[False, True, True, False]]
    values = np.array([[[0.0, 0.1, 0.3], [8.0, 10.0, 13.0], [4.0, 5.0, 7.0], [0.0, 0.0, 0.0]]])
    scaled = apply_interval_scale(values, 1.5, is_open)
    assert np.array_equal(scaled[0, [0, 3]], values[0, [0, 3]])  # closed: as trained
    assert scaled[0, 1].tolist() == [7.0, 10.0, 14.5]
    assert np.array_equal(scaled[..., 1], values[..., 1])


def test_a_hopeless_band_stays_within_the_allowed_range() -> None:
    actual = np.arange(1000.0)
    flat = np.zeros(1000)
    assert scale_for_coverage(flat, flat, flat, actual) == SCALE_RANGE[1]


def test_a_fitted_forecaster_keeps_its_scale_through_pickle() -> None:
    import pickle

    from models.traffic.config import TrafficConfig
    from models.traffic.forecast import TrafficForecaster
    from tests.traffic.synthetic import synthetic_traffic

    history = synthetic_traffic(series=2, days=60, seed=3)
    config = TrafficConfig(max_epochs=1, samples_per_epoch=256, validation_windows=64)
    model = TrafficForecaster(config).fit(history)
    assert SCALE_RANGE[0] <= model.interval_scale <= SCALE_RANGE[1]
    restored = pickle.loads(pickle.dumps(model))
    assert restored.interval_scale == model.interval_scale
    forecast = restored.predict(history)
    assert isinstance(forecast, pd.DataFrame)
    assert ((forecast.p10 <= forecast.p50) & (forecast.p50 <= forecast.p90)).all()
