"""SHAP explanations of the sales forest on a world with planted drivers: the holiday, payday
and heavy rain lead their days' explanations, every row adds up to its forecast, a re-run gives
the same numbers, and a forecast nothing moved says so instead of inventing drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.sales.config import SalesConfig
from models.sales.explain import (
    NO_DRIVERS,
    OTHER_FEATURES,
    baseline_shapley,
    explain_rows,
    mean_abs_contribution,
    top_drivers,
    with_store_totals,
)
from models.sales.features import FeatureRows
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from tests.explanations.planted import HOLIDAY, PAYDAY, RAIN

# base + contributions = prediction within a millionth of the forecast (floating point only).
RELATIVE_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def night(forest: SalesForecaster, forecast_rows: FeatureRows) -> pd.DataFrame:
    return top_drivers(with_store_totals(explain_rows(forest, forecast_rows)), top=3)


def _leader(night: pd.DataFrame, day: object, store: str) -> pd.Series:
    rows = night[
        (night["date"] == pd.Timestamp(day))  # type: ignore[arg-type]
        & (night["store_id"] == store)
        & (night["category"] == "__all__")
    ]
    return rows.sort_values("rank").iloc[0]


@pytest.mark.parametrize(
    ("day", "feature", "sign"),
    [(HOLIDAY, "is_holiday", 1), (PAYDAY, "is_payday", 1), (RAIN, "precip_sum", -1)],
    ids=["holiday", "payday", "rain"],
)
def test_the_planted_driver_leads_its_day_in_every_store(
    night: pd.DataFrame, day: object, feature: str, sign: int
) -> None:
    for store in ("P01", "P02", "P03"):
        leader = _leader(night, day, store)
        assert leader["feature"] == feature, (store, leader.to_dict())
        assert np.sign(leader["contribution_pen"]) == sign
        # And it is most of the day's difference from the store's typical day.
        gap = leader["prediction_pen"] - leader["base_pen"]
        assert abs(leader["contribution_pen"]) > 0.7 * abs(gap)


def test_every_row_of_the_night_adds_up_to_its_forecast(
    forest: SalesForecaster, forecast_rows: FeatureRows, night: pd.DataFrame
) -> None:
    published = forest.forecast_rows(forecast_rows)
    rows = night.groupby(["store_id", "date", "category"]).agg(
        total=("contribution_pen", "sum"), base=("base_pen", "first"),
        prediction=("prediction_pen", "first"),
    )  # fmt: skip
    assert len(rows) == len(published)  # every forecast row, store totals included
    error = (rows["base"] + rows["total"] - rows["prediction"]).abs()
    assert (error <= RELATIVE_TOLERANCE * rows["prediction"].abs().clip(lower=1.0)).all()
    merged = rows.join(published.set_index(["store_id", "date", "category"])["prediction"],
                       rsuffix="_published")  # fmt: skip
    np.testing.assert_allclose(merged["prediction"], merged["prediction_published"], rtol=1e-9)
    assert set(night["rank"]) <= {1, 2, 3, 4}
    assert (night.loc[night["feature"] == OTHER_FEATURES, "rank"] == 4).all()


def test_the_same_night_explained_twice_is_identical(
    forest: SalesForecaster, forecast_rows: FeatureRows
) -> None:
    first = explain_rows(forest, forecast_rows)
    second = explain_rows(forest, forecast_rows)
    assert np.array_equal(first.contributions, second.contributions)
    assert np.array_equal(first.base, second.base)
    importance = mean_abs_contribution(first)
    assert importance.index[0] in {"is_holiday", "precip_sum", "is_payday", "iso_weekday"}


def test_one_store_one_day_has_not_enough_history(
    forest: SalesForecaster, forecast_rows: FeatureRows
) -> None:
    # A single row is its own typical day: nothing sets it apart, so nothing is invented.
    single = forecast_rows.subset(np.array([0]))
    table = top_drivers(explain_rows(forest, single), top=5)
    assert list(table["feature"]) == [NO_DRIVERS]
    assert table["contribution_pen"].abs().max() < 1e-6
    assert table["base_pen"].iloc[0] == pytest.approx(table["prediction_pen"].iloc[0])


def test_a_forest_that_learned_nothing_has_no_drivers() -> None:
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    flat = pd.DataFrame({"store_id": "S1", "category": "x", "date": days, "sales": 100.0})
    forest = SalesForecaster(SalesConfig(n_estimators=5, n_jobs=1)).fit(flat)
    rows = forest.horizon_rows(days[-1], SalesInputs(flat))
    table = top_drivers(with_store_totals(explain_rows(forest, rows)), top=5)
    assert set(table["feature"]) == {NO_DRIVERS}
    assert np.allclose(table["base_pen"], table["prediction_pen"])


def test_counterfactual_shapley_equals_interventional_tree_shap(
    forest: SalesForecaster, forecast_rows: FeatureRows
) -> None:
    """The lift explanation's exact Shapley values are shap's interventional TreeSHAP with
    the "without" row as the only background row."""
    import shap

    matrix = forest.matrix(forecast_rows)[:3]
    names = list(forest.feature_names)
    reference = matrix.copy()
    for column in ("promo_active", "promo_discount", "store_promo_discount_sum"):
        reference[:, names.index(column)] = 0.0
    matrix[:, names.index("promo_active")] = 1.0
    matrix[:, names.index("promo_discount")] = 0.3
    matrix[:, names.index("store_promo_discount_sum")] += 0.3
    phi, f_ref, f_x = baseline_shapley(lambda m: forest.forest.predict(m), matrix, reference)
    for row in range(3):
        explainer = shap.TreeExplainer(
            forest.forest, data=reference[row : row + 1], feature_perturbation="interventional"
        )
        expected = explainer.shap_values(matrix[row : row + 1], check_additivity=False)[0]
        np.testing.assert_allclose(phi[row], expected, atol=1e-9)
    np.testing.assert_allclose(phi.sum(axis=1), f_x - f_ref, atol=1e-9)


def test_bad_inputs_are_clear_errors(forecast_rows: FeatureRows) -> None:
    from pipelines.errors import NightshiftError

    with pytest.raises(NightshiftError, match="not fitted"):
        explain_rows(SalesForecaster(), forecast_rows)


def test_a_log_ratio_forest_still_adds_up(sales_inputs: SalesInputs) -> None:
    config = SalesConfig(n_estimators=10, max_samples=2000, target="log_ratio", n_jobs=1)
    forest = SalesForecaster(config).fit_inputs(sales_inputs)
    rows = forest.horizon_rows(pd.Timestamp("2024-10-28"), sales_inputs)
    explanation = explain_rows(forest, rows)
    assert (explanation.additivity_error() <= 1e-6 * explanation.prediction.clip(min=1)).all()


def test_every_feature_reads_as_words(forest: SalesForecaster) -> None:
    from pipelines.explanations.words import sales_label

    for feature in (*forest.feature_names, OTHER_FEATURES, NO_DRIVERS, "temp_mean", "month"):
        for value in (1.0, 0.0, float("nan")):
            for language in ("es", "en"):
                words = sales_label(feature, value, language)  # type: ignore[arg-type]
                assert words and "_" not in words and "{" not in words, (feature, value, words)
