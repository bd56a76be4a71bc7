"""The monitor's figures on small frames whose answers are worked out by hand (pure functions)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipelines.monitoring import performance
from pipelines.monitoring.performance import Figure

DAY = date(2031, 5, 20)


def _by_metric(figures: list[Figure], store: str | None, days: int) -> dict[str, Figure]:
    return {f.metric: f for f in figures if f.store_id == store and f.window_days == days}


def test_traffic_figures() -> None:
    # Two hours of store A: one open (naive and 4-week mean known), one closed.
    rows = pd.DataFrame(
        {
            "store_id": ["A", "A", "A"],
            "business_date": [DAY, DAY, date(2031, 5, 19)],
            "actual": [10.0, 0.0, 20.0],
            "p10": [8.0, 0.0, 21.0],
            "p50": [12.0, 0.0, 25.0],
            "p90": [15.0, 0.0, 30.0],
            "horizon_days": [1, 1, 2],
            "model_version": ["2", "2", "1"],
            "seasonal_naive": [14.0, 0.0, 10.0],
            "four_week_mean": [11.0, 0.0, 18.0],
        }
    )
    metrics = performance.traffic_metrics(pd.Series({"A": 4.0}))
    figures = performance._windows(performance.TRAFFIC, rows, DAY, (1, 7), metrics)
    night = _by_metric(figures, "A", 1)
    assert night["p50_mae"].value == pytest.approx(1.0)  # (2 + 0) / 2
    assert night["mase"].value == pytest.approx(0.25)  # errors 2, 0 over scale 4
    assert night["ratio_seasonal_naive"].value == pytest.approx(1.0 / 2.0)  # naive errors 4, 0
    assert night["ratio_four_week_mean"].value == pytest.approx(1.0 / 0.5)
    assert night["bias"].value == pytest.approx(2 / 10)
    # Only the open hour is judged for coverage (its 4-week mean is above zero): inside.
    assert (night["coverage_open_hours"].value, night["coverage_open_hours"].n_obs) == (1.0, 1)
    assert night["p50_mae"].model_version == "2"
    week = _by_metric(figures, "A", 7)
    assert week["coverage_open_hours"].value == pytest.approx(0.5)  # 20 < P10 21 the day before
    assert week["p50_mae"].model_version == "1, 2"
    assert (week["horizon_days_min"].value, week["horizon_days_max"].value) == (1, 2)
    assert _by_metric(figures, None, 7)["actual_total"].value == 30.0  # the chain


def test_sales_figures() -> None:
    rows = pd.DataFrame(
        {
            "store_id": ["A", "B"],
            "business_date": [DAY, DAY],
            "forecast": [110.0, 45.0],
            "actual": [100.0, 50.0],
            "seasonal_naive": [80.0, None],
            "horizon_days": [1, 1],
            "model_version": ["3", "3"],
        }
    )
    chain = _by_metric(performance._windows(performance.SALES, rows, DAY, (1,),
                                            performance.sales_metrics), None, 1)  # fmt: skip
    assert chain["mae"].value == pytest.approx(7.5)
    assert chain["wape"].value == pytest.approx(15 / 150)
    # Seasonal naive is known for A only: model error 10 vs naive error 20 there.
    assert (chain["ratio_seasonal_naive"].value, chain["ratio_seasonal_naive"].n_obs) == (0.5, 1)


def test_sentiment_macro_f1_against_star_ratings() -> None:
    rows = pd.DataFrame(
        {
            "store_id": ["A"] * 4,
            "business_date": [DAY] * 4,
            "rating": [1, 3, 5, 5],
            "predicted": ["negative", "neutral", "positive", "neutral"],
            "model_version": ["4"] * 4,
        }
    )
    figures = performance._windows(performance.SENTIMENT, rows, DAY, (1,),
                                   performance.sentiment_metrics)  # fmt: skip
    chain = _by_metric(figures, None, 1)
    # F1: negative 1, neutral 2/3 (1 right of 2 predicted, 1 true), positive 2/3.
    assert chain["macro_f1"].value == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)


def test_churn_auc_needs_both_outcomes() -> None:
    both = pd.DataFrame({"returned": [1, 0, 1, 0], "p_return_30d": [0.9, 0.2, 0.6, 0.7]})
    metrics = performance.churn_metrics(both)
    assert metrics["auc"] == (pytest.approx(0.75), 4)
    assert metrics["brier"][0] == pytest.approx((0.01 + 0.04 + 0.16 + 0.49) / 4)
    one_class = performance.churn_metrics(both.assign(returned=1))
    assert one_class["auc"] == (None, 0)  # not a figure: no row is written for it
