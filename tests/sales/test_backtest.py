"""The time-ordered backtest and its scores."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from models.sales.backtest import (
    backtest_origins,
    promotions_known_at,
    run_backtest,
    tune_min_samples_leaf,
)
from models.sales.config import TOTAL_CATEGORY
from models.sales.frame import SalesInputs
from models.sales.metrics import error_metrics
from tests.sales.conftest import SMALL
from tests.sales.synthetic import SyntheticPanel


def test_model_beats_seasonal_naive_on_weekly_pattern_with_promotions(
    panel: SyntheticPanel,
) -> None:
    result = run_backtest(SalesInputs(panel.sales, panel.promotions), SMALL, folds=2)
    metrics = result.metrics
    for level in ("category", "store"):
        assert metrics[level]["rows"] > 0
        assert metrics[level]["ratio"]["wape"] <= 0.85, metrics[level]
        assert metrics[level]["ratio"]["mae"] < 1.0
    assert len(metrics["folds"]) == 2
    assert result.importances and len(result.fit_seconds) == 2


def test_backtest_forecasts_are_scored_against_the_real_sales(panel: SyntheticPanel) -> None:
    config = replace(SMALL, n_estimators=5)
    result = run_backtest(SalesInputs(panel.sales, panel.promotions), config, folds=1)
    forecasts = result.forecasts
    origin = forecasts["origin"].iloc[0]
    assert forecasts["date"].min() == origin + pd.Timedelta(days=1)
    assert forecasts["date"].max() == panel.sales["date"].max()
    categories = forecasts[forecasts["category"] != TOTAL_CATEGORY]
    merged = categories.merge(panel.sales, on=["store_id", "category", "date"], how="left")
    # Days without a sales row are days without sales.
    np.testing.assert_allclose(merged["actual"], merged["sales"].fillna(0.0))
    totals = forecasts[forecasts["category"] == TOTAL_CATEGORY]
    summed = categories.groupby(["store_id", "date"])["actual"].sum()
    np.testing.assert_allclose(
        totals.set_index(["store_id", "date"])["actual"].sort_index(), summed.sort_index()
    )


def test_folds_tile_the_end_of_the_history() -> None:
    origins = backtest_origins(pd.Timestamp("2025-06-30"), 14, 4)
    assert origins == sorted(origins)
    assert origins[-1] + pd.Timedelta(days=14) == pd.Timestamp("2025-06-30")
    assert {b - a for a, b in itertools.pairwise(origins)} == {pd.Timedelta(days=14)}


def test_backtest_uses_only_promotions_announced_by_the_origin() -> None:
    origin = pd.Timestamp("2024-05-10")
    plan = pd.DataFrame(
        {
            "store_id": ["S01"] * 4,
            "date": pd.to_datetime(["2024-05-01", "2024-05-12", "2024-05-15", "2024-05-20"]),
            "category": ["bebidas"] * 4,
            "discount_pct": [20, 20, 20, 20],
            "first_seen": pd.to_datetime(["2024-04-20", "2024-05-01", "2024-05-11", "2024-05-19"]),
        }
    )
    known = promotions_known_at(plan, origin)
    assert list(known["date"]) == list(pd.to_datetime(["2024-05-01", "2024-05-12"]))
    assert len(promotions_known_at(plan.drop(columns="first_seen"), origin)) == 4


def test_error_metrics() -> None:
    actual = np.array([10.0, 20.0, 30.0, 0.0])
    forecast = np.array([12.0, 18.0, 30.0, 4.0])
    metrics = error_metrics(actual, forecast)
    assert metrics["mae"] == pytest.approx((2 + 2 + 0 + 4) / 4)
    assert metrics["rmse"] == pytest.approx(np.sqrt((4 + 4 + 0 + 16) / 4))
    assert metrics["wape"] == pytest.approx(8 / 60)
    assert error_metrics(np.zeros(2), np.ones(2))["wape"] is None


def test_tuning_picks_the_leaf_size_with_the_lowest_wape(panel: SyntheticPanel) -> None:
    inputs = SalesInputs(panel.sales, panel.promotions)
    config = replace(SMALL, n_estimators=15)
    best, scores = tune_min_samples_leaf(inputs, config, candidates=(2, 200), folds=1)
    assert set(scores) == {2, 200}
    assert best == min(scores, key=lambda leaf: scores[leaf])
    # Leaves of 200 rows cannot follow promotions and weekdays on this small panel.
    assert scores[2] < scores[200]
