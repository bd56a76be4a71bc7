"""Counterfactual forecasts for the promotion planner: a store-day with and without a promotion.

Each candidate (store, date, category, discount) is scored against the plan as it stands: "with"
runs the candidate on top of the plan (replacing a planned promotion of that category), "without"
removes that category's promotion. Only same-day promotion features change, so one set of
feature rows for the origin serves every candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from models.sales.features import FeatureRows, fill_missing_baseline
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from models.sales.promotions import PROMOTION_COLUMNS, promotion_columns
from pipelines.errors import NightshiftError

CANDIDATE_COLUMNS = ("store_id", "date", "category", "discount_pct")
RESULT_COLUMNS = (
    "category_with",
    "category_without",
    "category_lift",
    "store_with",
    "store_without",
    "store_lift",
)


class WithWithout(NamedTuple):
    with_sales: float
    without_sales: float
    lift: float


def predict_with_without(
    model: SalesForecaster,
    history: SalesInputs,
    origin: date | pd.Timestamp,
    store_id: str,
    day: date | pd.Timestamp,
    promotion: tuple[str, float],
    level: Literal["store", "category"] = "store",
) -> WithWithout:
    """Predicted sales (PEN) of the store on ``day`` (``level="category"``: of the promoted
    category only) with and without ``promotion`` = (category, discount_pct), and the lift."""
    category, discount_pct = promotion
    candidate = pd.DataFrame(
        {
            "store_id": [store_id],
            "date": [day],
            "category": [category],
            "discount_pct": [discount_pct],
        }
    )
    result = predict_candidates(model, history, origin, candidate).iloc[0]
    return WithWithout(
        float(result[f"{level}_with"]),
        float(result[f"{level}_without"]),
        float(result[f"{level}_lift"]),
    )


@dataclass(frozen=True)
class Scenarios:
    """Every candidate's store-day as feature rows, once with and once without the candidate.

    Row ``i`` belongs to candidate ``candidate[i]`` (a position in the candidates frame) and is
    one of that store's categories on the candidate's day; ``discount_with`` /
    ``discount_without`` are each row's own discount (fraction) in the two scenarios.
    """

    candidate: np.ndarray
    is_target: np.ndarray  # the row is the promoted category
    store_id: np.ndarray
    category: np.ndarray
    with_rows: FeatureRows
    without_rows: FeatureRows
    discount_with: np.ndarray
    discount_without: np.ndarray


def build_scenarios(
    model: SalesForecaster,
    history: SalesInputs,
    origin: date | pd.Timestamp,
    candidates: pd.DataFrame,
) -> Scenarios:
    """The with/without feature rows of ``candidates`` (store_id, date, category, discount_pct),
    whose dates must lie in origin+1 .. origin+horizon."""
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise NightshiftError(f"candidates lack column(s) {', '.join(missing)}")
    origin = pd.Timestamp(origin).normalize()
    wanted = pd.DataFrame(
        {
            "store_id": candidates["store_id"].astype(str).to_numpy(),
            "date": pd.to_datetime(candidates["date"]).dt.normalize().to_numpy(),
            "category": candidates["category"].astype(str).to_numpy(),
            "discount": pd.to_numeric(candidates["discount_pct"]).to_numpy(dtype=float) / 100.0,
        }
    )
    ahead = (wanted["date"] - origin).dt.days
    if ((ahead < 1) | (ahead > model.config.horizon)).any():
        raise NightshiftError(
            f"candidate dates must lie in the {model.config.horizon} days after {origin.date()}"
        )
    if (wanted["discount"] >= 1).any() or (wanted["discount"] < 0).any():
        raise NightshiftError(
            "candidate discounts must lie in [0, 100) %: a 100% discount gives the goods away, "
            "so no sales model can price it (the gate quarantines such promotions)"
        )

    rows = model.horizon_rows(origin, history)
    position = rows.keys[["store_id", "date"]].reset_index(names="row")
    pairs = wanted.reset_index(names="candidate").merge(position, on=["store_id", "date"])
    pairs = pairs.sort_values(["candidate", "row"], kind="stable").reset_index(drop=True)
    picked = pairs["row"].to_numpy()
    # Levels filled over all rows, so a series without history is scaled as in the forecast.
    scenario_rows = replace(rows.subset(picked), baseline=fill_missing_baseline(rows)[picked])
    is_target = (scenario_rows.keys["category"] == pairs["category"]).to_numpy()

    plan = scenario_rows.features
    own = plan["promo_discount"].to_numpy()
    # The plan's promotion on the candidate's category, to take out of the store totals.
    planned = pd.Series(np.where(is_target, own, 0.0)).groupby(pairs["candidate"]).transform("sum")
    planned_sum = plan["store_promo_discount_sum"].to_numpy() - planned.to_numpy()
    planned_count = plan["store_promo_categories"].to_numpy() - (planned.to_numpy() > 0)
    discount = pairs["discount"].to_numpy()

    built: dict[str, tuple[FeatureRows, np.ndarray]] = {}
    for name, add in (("with", discount), ("without", np.zeros_like(discount))):
        row_discount = np.where(is_target, add, own)
        promo = promotion_columns(row_discount, planned_sum + add, planned_count + (add > 0))
        features = plan.copy()
        for column in PROMOTION_COLUMNS:
            features[column] = promo[column]
        built[name] = (replace(scenario_rows, features=features), row_discount)
    return Scenarios(
        candidate=pairs["candidate"].to_numpy(),
        is_target=is_target,
        store_id=scenario_rows.keys["store_id"].to_numpy(dtype=object),
        category=scenario_rows.keys["category"].to_numpy(dtype=object),
        with_rows=built["with"][0],
        without_rows=built["without"][0],
        discount_with=built["with"][1],
        discount_without=built["without"][1],
    )


def predict_candidates(
    model: SalesForecaster,
    history: SalesInputs,
    origin: date | pd.Timestamp,
    candidates: pd.DataFrame,
) -> pd.DataFrame:
    """``candidates`` (store_id, date, category, discount_pct) with RESULT_COLUMNS added.

    Category columns are NaN for a category the store has no sales history in; every column is
    NaN for a store without history at ``origin``. Dates must lie in origin+1 .. origin+horizon.
    """
    scenarios = build_scenarios(model, history, origin, candidates)
    predictions = {
        "with": model.predict_rows(scenarios.with_rows),
        "without": model.predict_rows(scenarios.without_rows),
    }
    return _summarise(candidates, pd.Series(scenarios.candidate), scenarios.is_target, predictions)


def _summarise(
    candidates: pd.DataFrame,
    candidate: pd.Series,
    is_target: np.ndarray,
    predictions: dict[str, np.ndarray],
) -> pd.DataFrame:
    out = candidates.reset_index(drop=True).copy()
    index = pd.RangeIndex(len(out))
    for name, values in predictions.items():
        store = pd.Series(values).groupby(candidate.to_numpy()).sum()
        own = pd.Series(values[is_target]).groupby(candidate.to_numpy()[is_target]).sum()
        out[f"store_{name}"] = store.reindex(index).to_numpy()
        out[f"category_{name}"] = own.reindex(index).to_numpy()
    out["store_lift"] = out["store_with"] - out["store_without"]
    out["category_lift"] = out["category_with"] - out["category_without"]
    return out
