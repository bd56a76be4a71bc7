"""Input tables to the daily panel: zeros inside a store's history, unknown outside it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.sales.frame import SalesInputs, build_panel, weather_for_stores
from pipelines.errors import NightshiftError


def _sales(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["store_id", "category", "date", "sales"])


def test_missing_days_are_zero_inside_the_store_history_only() -> None:
    sales = _sales(
        [
            ("A", "x", "2024-03-01", 10.0),
            ("A", "y", "2024-03-03", 5.0),
            ("A", "x", "2024-03-05", 7.0),
            ("B", "x", "2024-03-04", 3.0),
            ("B", "x", "2024-03-04", 2.0),  # two rows of one day add up
        ]
    )
    panel = build_panel(SalesInputs(sales))
    assert panel.stores == ("A", "B") and panel.days == 5
    by_series = {
        (panel.stores[s], c): row
        for s, c, row in zip(panel.series_store, panel.categories, panel.sales, strict=True)
    }
    np.testing.assert_array_equal(by_series["A", "x"], [10, 0, 0, 0, 7])
    np.testing.assert_array_equal(by_series["A", "y"], [0, 0, 5, 0, 0])
    np.testing.assert_array_equal(by_series["B", "x"], [np.nan, np.nan, np.nan, 5, 0])


def test_history_end_cuts_sales_and_end_extends_the_grid() -> None:
    sales = _sales([("A", "x", f"2024-03-0{d}", float(d)) for d in range(1, 8)])
    panel = build_panel(
        SalesInputs(sales), end=pd.Timestamp("2024-03-10"), history_end=pd.Timestamp("2024-03-04")
    )
    assert panel.days == 10 and panel.history_end == 3
    np.testing.assert_array_equal(panel.sales[0, :4], [1, 2, 3, 4])
    assert np.isnan(panel.sales[0, 4:]).all()


def test_promotions_become_discount_fractions() -> None:
    sales = _sales([("A", "x", "2024-03-01", 1.0), ("A", "y", "2024-03-04", 1.0)])
    promotions = pd.DataFrame(
        {
            "store_id": ["A", "A", "A", "Z"],
            "date": ["2024-03-02", "2024-03-02", "2024-03-06", "2024-03-02"],
            "category": ["x", "x", "y", "x"],
            "discount_pct": [10, 30, 20, 50],
        }
    )
    panel = build_panel(SalesInputs(sales, promotions), end=pd.Timestamp("2024-03-06"))
    x, y = panel.categories.index("x"), panel.categories.index("y")
    np.testing.assert_allclose(panel.discount[x], [0, 0.3, 0, 0, 0, 0])
    np.testing.assert_allclose(panel.discount[y], [0, 0, 0, 0, 0, 0.2])


def test_calendar_defaults_to_peru_and_a_given_table_wins() -> None:
    sales = _sales([("A", "x", "2024-07-26", 1.0), ("A", "x", "2024-08-01", 1.0)])
    default = build_panel(SalesInputs(sales)).calendar
    # 28 and 29 July (Fiestas Patrias) are holidays; 31 July is month-end payday.
    assert default["is_holiday"].tolist() == [0, 0, 1, 1, 0, 0, 0]
    assert default["is_payday"].tolist() == [0, 0, 0, 0, 0, 1, 0]
    assert default["after_payday"].tolist() == [0, 0, 0, 0, 0, 0, 1]
    assert default["iso_weekday"].tolist() == [5, 6, 7, 1, 2, 3, 4]
    given = pd.DataFrame(
        {
            "date": ["2024-07-30"],
            "iso_weekday": [2],
            "is_holiday": [True],
            "is_long_weekend": [False],
            "is_payday": [False],
        }
    )
    custom = build_panel(SalesInputs(sales, calendar=given)).calendar
    assert custom["is_holiday"].tolist() == [0, 0, 1, 1, 1, 0, 0]


def test_bad_inputs_are_reported_by_name() -> None:
    with pytest.raises(NightshiftError, match="sales lacks column"):
        build_panel(SalesInputs(pd.DataFrame({"store_id": ["A"], "date": ["2024-01-01"]})))
    bad = _sales([("A", "x", "2024-03-01", 1.0)]).assign(sales=["lots"])
    with pytest.raises(NightshiftError, match="not numbers"):
        build_panel(SalesInputs(bad))


def test_city_weather_reaches_every_store_of_the_city() -> None:
    sales = _sales([("A", "x", "2024-03-01", 1.0), ("B", "x", "2024-03-02", 1.0)])
    stores = pd.DataFrame({"store_id": ["A", "B"], "city": ["Lima", "Cusco"]})
    city = pd.DataFrame(
        {
            "city": ["Lima", "Lima", "Cusco"],
            "date": ["2024-03-01", "2024-03-03", "2024-03-02"],
            "temp_mean": [22.0, 23.0, 12.0],
            "precip_sum": [0.0, 0.0, 4.5],
        }
    )
    panel = build_panel(
        SalesInputs(sales, weather=weather_for_stores(city, stores)), end=pd.Timestamp("2024-03-03")
    )
    assert panel.temp_mean is not None and panel.precip_sum is not None
    np.testing.assert_array_equal(panel.temp_mean[0], [22.0, np.nan, 23.0])
    np.testing.assert_array_equal(panel.precip_sum[1], [np.nan, 4.5, np.nan])
