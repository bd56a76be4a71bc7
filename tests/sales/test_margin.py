"""Margin of a promotion: the arithmetic, the interval, the forest's trees, the LightGBM peer
and the bad inputs (a 100% discount, a category without costs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.sales.backtest import run_backtest
from models.sales.config import SalesConfig
from models.sales.counterfactual import build_scenarios
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from models.sales.margin import (
    fit_interval_scale,
    interval,
    margin_per_sale,
    score_candidates,
)
from pipelines.errors import NightshiftError
from tests.sales.synthetic import SyntheticPanel


def test_a_discount_deeper_than_the_margin_sells_at_a_loss() -> None:
    # 16% margin at list price (cost share 0.84): 10% off keeps 0.067 per sol, 30% loses 0.2.
    kept = margin_per_sale(np.array([0.84, 0.84, 0.84]), np.array([0.0, 0.1, 0.3]))
    assert kept == pytest.approx([0.16, 1 - 0.84 / 0.9, -0.2])
    with pytest.raises(NightshiftError, match="100% discount"):
        margin_per_sale(np.array([0.5]), np.array([1.0]))


def test_the_interval_is_the_trees_spread_around_the_point_times_a_fitted_factor() -> None:
    point = np.array([10.0, -5.0])
    trees = np.array([[0.0, -9.0], [10.0, -5.0], [20.0, 3.0], [30.0, -1.0], [5.0, -7.0]])
    low, high = interval(point, trees, level=0.8, scale=1.0)
    wide_low, wide_high = interval(point, trees, level=0.8, scale=2.0)
    spread = np.quantile(trees, 0.9, axis=0) - np.quantile(trees, 0.1, axis=0)
    assert low == pytest.approx(point - spread / 2) and high == pytest.approx(point + spread / 2)
    assert wide_low == pytest.approx(point - spread) and wide_high == pytest.approx(point + spread)
    # Split conformal: the factor that makes 80% of the truths fall inside.
    truth = np.array([10.0 + d for d in range(-5, 5)])
    many = np.full(10, 10.0)
    scale = fit_interval_scale(many, many - 1.0, many + 1.0, truth)
    assert np.mean(np.abs(truth - many) <= scale) >= 0.8
    nothing = interval(point, np.zeros((0, 2)))
    assert np.isnan(nothing[0]).all() and np.isnan(nothing[1]).all()


def test_trees_average_to_the_forest(fitted: SalesForecaster, panel: SyntheticPanel) -> None:
    rows = fitted.horizon_rows(panel.sales["date"].max(), SalesInputs(panel.sales))
    per_tree = fitted.tree_predictions(rows)
    assert per_tree.shape == (fitted.config.n_estimators, len(rows.keys))
    assert per_tree.mean(axis=0) == pytest.approx(fitted.predict_rows(rows), rel=1e-9)


def _candidates(origin: pd.Timestamp, pct: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "store_id": ["S01", "S01"],
            "date": [origin + pd.Timedelta(days=2)] * 2,
            "category": ["bebidas", "snacks"],
            "discount_pct": [pct, pct],
        }
    )


def test_margin_is_sales_less_cost_over_the_store(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    history = SalesInputs(panel.sales, panel.promotions)
    shares = pd.DataFrame({"store_id": ["S01"], "category": ["bebidas"], "cost_share": [0.9]})
    scored = score_candidates(fitted, history, origin, _candidates(origin, 20), shares, 0.6)
    # bebidas costs 90% of its list price (a 20% discount sells it at a loss); snacks, with no
    # cost of its own, gets the default cost share 0.6.
    assert scored["cost_share"].tolist() == pytest.approx([0.9, 0.6])
    assert (scored["margin_with"] < scored["store_with"]).all()
    pd.testing.assert_series_equal(
        scored["expected_margin"],
        scored["margin_with"] - scored["margin_without"],
        check_names=False,
    )
    assert (scored["margin_p10"] <= scored["expected_margin"]).all()
    assert (scored["expected_margin"] <= scored["margin_p90"]).all()
    # Same sales model, same discount: the low-margin category keeps less of its lift.
    bebidas, snacks = scored.itertuples()
    assert bebidas.expected_margin / bebidas.store_lift < snacks.expected_margin / snacks.store_lift


def test_a_100_percent_discount_is_refused_with_a_clear_message(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    with pytest.raises(NightshiftError, match=r"100% discount gives the goods away"):
        build_scenarios(fitted, SalesInputs(panel.sales), origin, _candidates(origin, 100))


def test_the_lightgbm_peer_is_backtested_on_the_same_rows(panel: SyntheticPanel) -> None:
    config = SalesConfig(n_estimators=20, max_samples=3000, min_samples_leaf=5, n_jobs=2)
    inputs = SalesInputs(panel.sales, panel.promotions)
    result = run_backtest(inputs, config, 1, peer=True, peer_params={"n_estimators": 150})
    assert result.forecasts["peer"].notna().all()
    for level in ("category", "store"):
        block = result.metrics[level]
        assert block["peer"]["wape"] == pytest.approx(
            block["peer_ratio"]["wape"] * block["seasonal_naive"]["wape"]
        )
        assert block["peer_ratio"]["wape"] < 1.0  # the peer learns too


def test_a_store_that_never_ran_a_promotion_is_still_priced(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    # S01's history without a single promotion: the forest prices it from what promotions did
    # in the other stores (a pooled model), and says how sure it is.
    never = panel.promotions[panel.promotions["store_id"] != "S01"]
    history = SalesInputs(panel.sales, never)
    no_costs = pd.DataFrame(columns=["store_id", "category", "cost_share"])
    scored = score_candidates(fitted, history, origin, _candidates(origin, 20), no_costs, 0.7)
    assert scored[["store_lift", "expected_margin", "margin_p10", "margin_p90"]].notna().all().all()
    assert (scored["store_lift"] > 0).all()
    assert scored["cost_share"].tolist() == [0.7, 0.7]  # no costs at all: the default margin
