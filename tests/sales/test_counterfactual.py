"""The promotion planner's question: how much does this promotion add on that store-day?"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.sales.counterfactual import predict_candidates, predict_with_without
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from pipelines.errors import NightshiftError
from tests.sales.synthetic import CATEGORIES, SyntheticPanel


@pytest.fixture(scope="module")
def history(panel: SyntheticPanel) -> SalesInputs:
    return SalesInputs(panel.sales, panel.promotions)


def _candidates(origin: pd.Timestamp, discount: float) -> pd.DataFrame:
    rows = [
        (store, origin + pd.Timedelta(days=h), category, discount)
        for store in ("S01", "S02", "S03")
        for h in (1, 5, 9, 13)
        for category in CATEGORIES
    ]
    return pd.DataFrame(rows, columns=["store_id", "date", "category", "discount_pct"])


def test_a_promotion_lifts_its_category_and_the_store(
    fitted: SalesForecaster, history: SalesInputs, origin: pd.Timestamp
) -> None:
    day = origin + pd.Timedelta(days=3)
    with_sales, without_sales, lift = predict_with_without(
        fitted, history, origin, "S02", day, ("bebidas", 30), level="category"
    )
    assert with_sales > without_sales >= 0
    assert lift == pytest.approx(with_sales - without_sales)
    # The synthetic truth: 30% off multiplies the category's sales by 2.2.
    assert 1.3 < with_sales / without_sales < 3.5

    store = predict_with_without(fitted, history, origin, "S02", day, ("bebidas", 30))
    assert store.lift > 0
    assert store.with_sales > with_sales  # the store sells more than one category


def test_every_candidate_gets_a_positive_lift(
    fitted: SalesForecaster, history: SalesInputs, origin: pd.Timestamp
) -> None:
    candidates = _candidates(origin, 20)
    result = predict_candidates(fitted, history, origin, candidates)
    assert len(result) == len(candidates)
    pd.testing.assert_frame_equal(result[candidates.columns], candidates)
    big = result[result["category"] != "limpieza"]
    assert (big["category_lift"] > 0).all()
    assert (result["category_with"] >= result["category_without"]).mean() > 0.9
    assert result["store_lift"].mean() > 0
    # A deeper discount lifts more on average (the synthetic lift is linear in the discount).
    deeper = predict_candidates(fitted, history, origin, _candidates(origin, 30))
    assert deeper["category_lift"].mean() > result["category_lift"].mean()


def test_vectorised_matches_one_at_a_time(
    fitted: SalesForecaster, history: SalesInputs, origin: pd.Timestamp
) -> None:
    candidates = _candidates(origin, 15).iloc[::12].reset_index(drop=True)
    result = predict_candidates(fitted, history, origin, candidates)
    for row in result.itertuples():
        single = predict_with_without(
            fitted, history, origin, row.store_id, row.date, (row.category, row.discount_pct)
        )
        assert single.with_sales == pytest.approx(row.store_with)
        assert single.without_sales == pytest.approx(row.store_without)


def test_without_is_the_plan_minus_that_promotion(
    fitted: SalesForecaster, history: SalesInputs, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    """For a promotion already in the plan, "with" at its own discount is the plain forecast."""
    planned = panel.promotions[pd.to_datetime(panel.promotions["date"]) > origin].iloc[0]
    forecast = fitted.predict(origin, panel.sales, panel.promotions)
    row = forecast[
        (forecast["store_id"] == planned["store_id"])
        & (forecast["category"] == planned["category"])
        & (forecast["date"] == planned["date"])
    ]
    result = predict_with_without(
        fitted,
        history,
        origin,
        planned["store_id"],
        planned["date"],
        (planned["category"], planned["discount_pct"]),
        level="category",
    )
    assert result.with_sales == pytest.approx(float(row["prediction"].iloc[0]))
    assert result.without_sales < result.with_sales


def test_unknown_category_or_store_gives_nan_not_an_error(
    fitted: SalesForecaster, history: SalesInputs, origin: pd.Timestamp
) -> None:
    day = origin + pd.Timedelta(days=2)
    candidates = pd.DataFrame(
        {
            "store_id": ["S01", "S77"],
            "date": [day, day],
            "category": ["mascotas", "bebidas"],
            "discount_pct": [20, 20],
        }
    )
    result = predict_candidates(fitted, history, origin, candidates)
    assert np.isnan(result.loc[0, "category_lift"])
    assert np.isfinite(result.loc[0, "store_with"])  # the store's other categories still count
    assert result.loc[1, ["store_with", "category_with"]].isna().all()


def test_dates_outside_the_horizon_are_refused(
    fitted: SalesForecaster, history: SalesInputs, origin: pd.Timestamp
) -> None:
    with pytest.raises(NightshiftError, match="14 days after"):
        predict_with_without(fitted, history, origin, "S01", origin, ("bebidas", 20))
