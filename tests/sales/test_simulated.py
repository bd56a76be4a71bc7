"""On the project's simulator: the landing loader, and promotions that lift what they promote."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.sales.config import TOTAL_CATEGORY
from models.sales.counterfactual import predict_candidates
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs, build_panel
from models.sales.landing import load_landing
from pipelines.simulator.core import SimulationConfig, run_simulation
from tests.sales.conftest import SMALL

ORIGIN = pd.Timestamp("2024-04-06")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mall, a street store and a restaurant over eleven weeks."""
    out = tmp_path_factory.mktemp("sales_sim")
    config = SimulationConfig(
        stores=3, start=date(2024, 2, 1), end=date(2024, 4, 20), seed=11, out=out
    )
    run_simulation(config)
    return out


@pytest.fixture(scope="module")
def inputs(landing: Path) -> SalesInputs:
    return load_landing(landing)


def test_landing_becomes_model_inputs(landing: Path, inputs: SalesInputs) -> None:
    lines = pd.read_csv(landing / "pos" / "2024-03-04" / "transactions.csv")
    day = inputs.sales[inputs.sales["date"] == pd.Timestamp("2024-03-04")]
    expected = lines.groupby(["store_id", "category"])["amount"].sum()
    got = day.set_index(["store_id", "category"])["sales"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index(), check_names=False, atol=0.01
    )
    assert inputs.promotions is not None and len(inputs.promotions) > 0
    assert (inputs.promotions["first_seen"] <= inputs.promotions["date"]).all()
    assert inputs.weather is not None and inputs.traffic is not None
    assert set(inputs.weather["store_id"]) == set(inputs.sales["store_id"])
    assert inputs.weather["date"].max() > inputs.sales["date"].max()  # the forecast days
    assert (inputs.traffic["traffic_p50"].dropna() > 0).mean() > 0.8
    panel = build_panel(inputs)
    assert panel.temp_mean is not None and np.isfinite(panel.temp_mean).all()


def test_promotions_lift_their_category_and_the_store(inputs: SalesInputs) -> None:
    model = SalesForecaster(SMALL).fit_inputs(inputs.sales_until(ORIGIN))
    history = inputs.sales_until(ORIGIN)
    forecast = model.predict_inputs(ORIGIN, history)
    grid = forecast[forecast["category"] != TOTAL_CATEGORY][["store_id", "date", "category"]]
    candidates = grid.assign(discount_pct=20).reset_index(drop=True)
    lifts = predict_candidates(model, history, ORIGIN, candidates)
    open_days = lifts[lifts["category_without"] > 0]
    assert len(open_days) > 0.8 * len(lifts)
    assert (open_days["category_lift"] > 0).mean() > 0.9
    assert open_days["category_with"].sum() > 1.2 * open_days["category_without"].sum()
    assert open_days["store_lift"].sum() > 0


def test_traffic_is_a_feature_only_when_asked_for(inputs: SalesInputs) -> None:
    history = inputs.sales_until(ORIGIN)
    plain = SalesForecaster(replace(SMALL, n_estimators=5)).fit_inputs(history)
    with_traffic = SalesForecaster(replace(SMALL, n_estimators=5, use_traffic=True))
    with_traffic.fit_inputs(history)
    assert "traffic_ratio" not in plain.feature_names
    assert "traffic_ratio" in with_traffic.feature_names
    assert "temp_mean" in plain.feature_names
    forecast = with_traffic.predict_inputs(ORIGIN, history)
    assert forecast["prediction"].notna().all()
