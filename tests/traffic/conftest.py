"""Tiny, fast model settings and a forecaster fitted once for the whole area."""

from __future__ import annotations

import pandas as pd
import pytest

from models.traffic.config import TrafficConfig
from models.traffic.forecast import TrafficForecaster
from tests.traffic.synthetic import synthetic_traffic

TINY = TrafficConfig(
    horizon=24,
    max_epochs=2,
    samples_per_epoch=512,
    batch_size=128,
    validation_windows=128,
    hidden=32,
    decoder_hidden=32,
    device="cpu",
    seed=7,
)


@pytest.fixture(scope="session")
def history() -> pd.DataFrame:
    """Three stores of different kinds and sizes, six weeks, with outages."""
    return synthetic_traffic(series=3, days=42, start="2024-06-03", seed=3)


@pytest.fixture(scope="session")
def fitted(history: pd.DataFrame) -> TrafficForecaster:
    return TrafficForecaster(TINY).fit(history)
