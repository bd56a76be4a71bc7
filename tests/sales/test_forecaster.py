"""What the nightly forecast relies on: sane, consistent, reproducible predictions."""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from models.sales.config import TOTAL_CATEGORY
from models.sales.forest import SalesForecaster
from pipelines.errors import NightshiftError
from tests.sales.conftest import SMALL
from tests.sales.synthetic import CATEGORIES, SyntheticPanel


def test_forecast_covers_every_store_category_and_day(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    forecast = fitted.predict(origin, panel.sales, panel.promotions)
    assert list(forecast.columns) == ["store_id", "category", "date", "horizon", "prediction"]
    stores = panel.sales["store_id"].nunique()
    assert len(forecast) == stores * (len(CATEGORIES) + 1) * 14
    assert forecast["prediction"].notna().all()
    assert (forecast["prediction"] >= 0).all()


def test_predictions_are_non_negative_for_a_mostly_idle_category(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    # Wipe the slow category's last four weeks: its level is zero at the origin.
    quiet = panel.sales[
        ~(
            (panel.sales["category"] == "limpieza")
            & (panel.sales["date"] > origin - pd.Timedelta(days=28))
        )
    ]
    forecast = fitted.predict(origin, quiet, panel.promotions)
    slow = forecast[forecast["category"] == "limpieza"]["prediction"]
    assert len(slow) > 0
    assert (slow >= 0).all()
    assert slow.max() < 0.05 * forecast[forecast["category"] == "abarrotes"]["prediction"].mean()


def test_store_total_is_the_sum_of_its_categories(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    forecast = fitted.predict(origin, panel.sales, panel.promotions)
    is_total = forecast["category"] == TOTAL_CATEGORY
    summed = forecast[~is_total].groupby(["store_id", "date"])["prediction"].sum()
    totals = forecast[is_total].set_index(["store_id", "date"])["prediction"]
    pdt.assert_series_equal(totals.sort_index(), summed.sort_index(), check_names=False)


def test_unseen_store_and_category_are_forecast(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    days = pd.date_range(origin - pd.Timedelta(days=40), origin, freq="D")
    newcomers = pd.DataFrame(
        {
            "store_id": ["S99"] * len(days) + ["S01"] * len(days),
            "category": ["abarrotes"] * len(days) + ["mascotas"] * len(days),
            "date": list(days) * 2,
            "sales": [3000.0] * len(days) + [150.0] * len(days),
        }
    )
    sales = pd.concat([panel.sales, newcomers], ignore_index=True)
    forecast = fitted.predict(origin, sales, panel.promotions).set_index(["store_id", "category"])
    for key, level in ((("S99", "abarrotes"), 3000.0), (("S01", "mascotas"), 150.0)):
        values = forecast.loc[key, "prediction"]
        assert len(values) == 14
        # Scaled by the newcomer's own level, not some other series'.
        assert 0.3 * level < values.mean() < 3 * level


def test_same_random_state_gives_the_same_forest(
    panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    train = panel.sales[panel.sales["date"] <= origin - pd.Timedelta(days=30)]
    cut = origin - pd.Timedelta(days=30)

    def forecast(seed: int) -> pd.DataFrame:
        config = replace(SMALL, n_estimators=5, random_state=seed)
        model = SalesForecaster(config).fit(train, panel.promotions)
        return model.predict(cut, panel.sales, panel.promotions)

    first = forecast(3)
    pdt.assert_frame_equal(first, forecast(3))
    assert not np.allclose(first["prediction"], forecast(4)["prediction"])


def test_pickled_forecaster_predicts_the_same(
    fitted: SalesForecaster, panel: SyntheticPanel, origin: pd.Timestamp
) -> None:
    restored = pickle.loads(pickle.dumps(fitted))
    pdt.assert_frame_equal(
        restored.predict(origin, panel.sales, panel.promotions),
        fitted.predict(origin, panel.sales, panel.promotions),
    )


def test_feature_importances_name_every_feature_largest_first(fitted: SalesForecaster) -> None:
    importances = fitted.feature_importances()
    assert set(importances) == set(fitted.feature_names)
    values = list(importances.values())
    assert values == sorted(values, reverse=True)
    assert sum(values) == pytest.approx(1.0)
    # The panel has a strong weekly pattern and promotions: both must be picked up.
    top = list(importances)[:8]
    assert any("weekday" in name for name in top)
    assert any(name.startswith("promo") for name in top)


def test_fit_without_enough_history_says_so(panel: SyntheticPanel) -> None:
    short = panel.sales[panel.sales["date"] < panel.sales["date"].min() + pd.Timedelta(days=20)]
    with pytest.raises(NightshiftError, match="history"):
        SalesForecaster(SMALL).fit(short, panel.promotions)


def test_predict_before_fit_says_so(panel: SyntheticPanel, origin: pd.Timestamp) -> None:
    with pytest.raises(NightshiftError, match="not fitted"):
        SalesForecaster(SMALL).predict(origin, panel.sales)
