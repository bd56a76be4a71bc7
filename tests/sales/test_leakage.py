"""Nothing the forecaster reads for an origin T may depend on sales after T."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt

from models.sales.features import build_rows
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs, build_panel
from tests.sales.synthetic import SyntheticPanel


def _perturb_after(sales: pd.DataFrame, origin: pd.Timestamp, seed: int) -> pd.DataFrame:
    """Sales after ``origin`` scaled at random, some dropped, a new store and category added."""
    rng = np.random.default_rng(seed)
    after = sales["date"] > origin
    changed = sales.copy()
    changed.loc[after, "sales"] *= rng.uniform(0.2, 5.0, int(after.sum()))
    changed = changed[~after | (rng.random(len(changed)) > 0.3)]
    extra = pd.DataFrame(
        {
            "store_id": ["S01", "NEW"],
            "category": ["brand_new", "abarrotes"],
            "date": [origin + pd.Timedelta(days=3), origin + pd.Timedelta(days=5)],
            "sales": [999.0, 12345.0],
        }
    )
    return pd.concat([changed, extra], ignore_index=True)


def test_features_for_an_origin_ignore_later_sales(panel: SyntheticPanel) -> None:
    origin = pd.Timestamp("2024-04-10")
    original = build_panel(SalesInputs(panel.sales, panel.promotions))
    perturbed = build_panel(SalesInputs(_perturb_after(panel.sales, origin, 5), panel.promotions))
    at = np.array([original.index_of(origin)])
    assert perturbed.index_of(origin) == at[0]

    before = build_rows(original, at, 14, 28, 28)
    after = build_rows(perturbed, at, 14, 28, 28)
    # The perturbed panel has extra series (new store, new category): compare the shared ones.
    key = ["store_id", "category", "date"]
    merged = (
        before.keys[key]
        .reset_index()
        .merge(after.keys[key].reset_index(), on=key, suffixes=("_before", "_after"))
    )
    assert len(merged) == len(before.keys) > 0
    left = before.subset(merged["index_before"].to_numpy())
    right = after.subset(merged["index_after"].to_numpy())
    pdt.assert_frame_equal(left.features, right.features)
    np.testing.assert_array_equal(left.baseline, right.baseline)
    np.testing.assert_array_equal(left.seasonal_naive, right.seasonal_naive)
    # The targets themselves are after the origin, so they must differ somewhere.
    assert not np.allclose(left.actual, right.actual, equal_nan=True)


def test_predictions_for_an_origin_ignore_later_sales(
    fitted: SalesForecaster, panel: SyntheticPanel
) -> None:
    origin = pd.Timestamp("2024-04-10")
    expected = fitted.predict(origin, panel.sales, panel.promotions)
    perturbed = _perturb_after(panel.sales, origin, 9)
    actual = fitted.predict(origin, perturbed, panel.promotions)
    pdt.assert_frame_equal(actual, expected)
    assert expected["date"].min() == origin + pd.Timedelta(days=1)
    assert expected["date"].max() == origin + pd.Timedelta(days=14)


def test_lags_are_read_at_or_before_the_origin(panel: SyntheticPanel) -> None:
    """Seasonal naive is the same weekday of the last week that ended by the origin."""
    table = build_panel(SalesInputs(panel.sales))
    origin = 100
    rows = build_rows(table, np.array([origin]), 14, 28, 28)
    lag_day = (
        origin
        + rows.keys["horizon"].to_numpy()
        - 7 * np.ceil(rows.keys["horizon"].to_numpy() / 7).astype(int)
    )
    assert (lag_day <= origin).all() and (lag_day > origin - 7).all()
    expected = table.sales[rows.keys["series"].to_numpy(), lag_day]
    np.testing.assert_array_equal(rows.seasonal_naive, expected)
