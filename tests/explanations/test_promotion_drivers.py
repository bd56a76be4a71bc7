"""What drives a proposed promotion's lift, from the forest's with/without counterfactual: the
drivers add up to the lift, and a deep discount's rationale names the discount."""

from __future__ import annotations

import pandas as pd
import pytest

from models.sales.counterfactual import predict_candidates
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from pipelines.explanations.promotions import DRIVERS, explain_plan, lift_drivers
from tests.explanations.planted import BUSINESS_DATE

ORIGIN = pd.Timestamp(BUSINESS_DATE)
CANDIDATES = pd.DataFrame(
    {
        "store_id": ["P01", "P02", "P03"],
        "date": pd.to_datetime(["2024-11-05", "2024-11-06", "2024-11-07"]),
        "category": ["abarrotes", "snacks", "bebidas"],
        "discount_pct": [30.0, 10.0, 20.0],
    }
)


@pytest.fixture(scope="module")
def drivers(forest: SalesForecaster, sales_inputs: SalesInputs) -> pd.DataFrame:
    return lift_drivers(forest, sales_inputs, ORIGIN, CANDIDATES)


def test_drivers_add_up_to_each_candidates_store_lift(
    forest: SalesForecaster, sales_inputs: SalesInputs, drivers: pd.DataFrame
) -> None:
    priced = predict_candidates(forest, sales_inputs, ORIGIN, CANDIDATES)
    sums = drivers.groupby("candidate")["contribution_pen"].sum()
    assert sums.to_numpy() == pytest.approx(priced["store_lift"].to_numpy(), rel=1e-9, abs=1e-6)
    assert (drivers.groupby("candidate")["driver"].apply(set) == set(DRIVERS)).all()


def test_a_deep_discount_is_named_first(drivers: pd.DataFrame) -> None:
    deep = drivers[drivers["candidate"] == 0].sort_values("rank")
    assert deep.iloc[0]["driver"] == "discount"
    assert deep.iloc[0]["contribution_pen"] > 0


@pytest.mark.parametrize(
    ("language", "words"),
    [("es", "impulsado por descuento de 30% en abarrotes (+S/ "),
     ("en", "driven by 30% off abarrotes (+S/ ")],
)  # fmt: skip
def test_the_rationale_names_the_discount(
    forest: SalesForecaster, sales_inputs: SalesInputs, language: str, words: str
) -> None:
    plan = CANDIDATES.assign(reason="+S/ 100 de ventas esperadas")
    explained, rows, counts = explain_plan(forest, sales_inputs, ORIGIN, plan, language)  # type: ignore[arg-type]
    assert words in explained.loc[0, "reason"]
    assert explained.loc[0, "reason"].startswith("+S/ 100 de ventas esperadas; ")
    assert len(rows) == 3 * len(plan) and rows["label"].str.len().gt(0).all()
    assert counts["promotions_explained"] == 3
