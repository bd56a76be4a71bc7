"""Promotions: tonight's ranked promotion proposals per store for the next 14 days.

The champion sales forest prices every candidate with and without the promotion; the ranking,
confidence labels and sentences live in ``pipelines.planning.promotions``. The run date's rows of
plan.promotions are replaced in one transaction, each carrying the sales model's version.

The P10-P90 range of a lift is the spread of that lift over the forest's individual trees (each
tree prices "with" and "without" on the same rows, so a tree's lift is a paired difference).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from pipelines.explanations.promotions import explain_lifts, write_promotion_drivers
from pipelines.planning.promotions import (
    CANDIDATE_COLUMNS,
    add_confidence,
    add_reasons,
    promotion_candidates,
    rank_candidates,
)
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

if TYPE_CHECKING:
    from models.sales.features import FeatureRows
    from models.sales.forest import SalesForecaster
    from models.sales.frame import SalesInputs

# Enough trees for stable P10/P90 (trees are exchangeable, so the first ones are a fair sample)
# while bounding the cost for a bigger forest: one counterfactual pass per tree.
MAX_TREES_FOR_RANGE = 100


class _OneTree:
    """What ``predict_candidates`` needs of a forecaster (config, horizon_rows, predict_rows),
    answering with one tree of the forest. The origin's feature rows are built once and shared
    by every tree instead of being rebuilt from the whole sales history for each."""

    def __init__(self, forecaster: SalesForecaster, tree: Any, rows: FeatureRows) -> None:
        self.config = forecaster.config
        self._rows = rows
        self._member = copy.copy(forecaster)  # shallow: shares everything but the estimator
        self._member.forest = tree

    def horizon_rows(self, origin: Any, inputs: Any) -> FeatureRows:
        return self._rows

    def predict_rows(self, rows: FeatureRows) -> np.ndarray:
        return self._member.predict_rows(rows)


def lift_range(
    forecaster: SalesForecaster,
    inputs: SalesInputs,
    origin: pd.Timestamp,
    candidates: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """P10 and P90 over the forest's trees of each candidate's store lift (PEN)."""
    from models.sales.counterfactual import predict_candidates

    if candidates.empty or forecaster.forest is None:
        empty = np.full(len(candidates), np.nan)
        return empty, empty.copy()
    rows = forecaster.horizon_rows(origin, inputs)
    lifts = []
    for tree in forecaster.forest.estimators_[:MAX_TREES_FOR_RANGE]:
        member = cast("SalesForecaster", _OneTree(forecaster, tree, rows))
        result = predict_candidates(member, inputs, origin, candidates[CANDIDATE_COLUMNS])
        lifts.append(result["store_lift"].to_numpy(dtype=float))
    per_tree = np.vstack(lifts)
    return np.quantile(per_tree, 0.1, axis=0), np.quantile(per_tree, 0.9, axis=0)


def _staff_days(engine: Engine, window: RunWindow) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            sql("promotions/staff_days"), conn, params={"run_date": window.business_date}
        )


def _records(plan: pd.DataFrame, window: RunWindow, version: str) -> list[dict[str, Any]]:
    def number(value: Any) -> float | None:
        return None if pd.isna(value) else float(value)

    return [
        {
            "run_date": window.business_date,
            "store_id": r.store_id,
            "date": pd.Timestamp(r.date).date(),
            "category": r.category,
            "discount_pct": float(r.discount_pct),
            "rank": int(r.rank),
            "sales_without": float(r.sales_without),
            "sales_with": float(r.sales_with),
            "expected_lift": float(r.expected_lift),
            "lift_p10": number(r.lift_p10),
            "lift_p90": number(r.lift_p90),
            "confidence": r.confidence,
            "staff_slack_hours": number(r.staff_slack_hours),
            "reason": r.reason,
            "model_version": version,
        }
        for r in plan.itertuples()
    ]


def plan_promotions(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    from models.sales.counterfactual import predict_candidates
    from pipelines.training.sales import MODEL_NAME, load_inputs
    from pipelines.training.serving import load_for_night

    model, version = load_for_night(engine, settings, MODEL_NAME, window)
    forecaster: SalesForecaster = model.forecaster
    inputs = load_inputs(engine, window)
    origin = pd.Timestamp(window.business_date)
    candidates = promotion_candidates(
        inputs.sales, inputs.promotions, origin, forecaster.config.horizon
    )
    staff_days = _staff_days(engine, window)
    scored = (
        predict_candidates(forecaster, inputs, origin, candidates)
        if not candidates.empty
        else candidates.assign(store_with=np.nan, store_without=np.nan, store_lift=np.nan)
    )
    # Ranking needs only the forest's mean lift; the per-tree range is priced for the kept rows.
    ranked = rank_candidates(scored, staff_days)
    p10, p90 = lift_range(forecaster, inputs, origin, ranked)
    plan = add_confidence(ranked.assign(lift_p10=p10, lift_p90=p90))
    plan = add_reasons(plan, settings.report_language)
    # Each reason also names what drives its lift (the forest's with/without, explained).
    plan, drivers, explained = explain_lifts(forecaster, inputs, origin, plan, settings)
    records = _records(plan, window, version)
    with engine.begin() as conn:
        conn.execute(sql("promotions/delete_run"), {"run_date": window.business_date})
        if records:
            conn.execute(sql("promotions/insert"), records)
        write_promotion_drivers(conn, drivers, window.business_date, version)
    return explained | {
        "promotion_candidates": len(candidates),
        "promotions_proposed": len(records),
        "promotion_stores": int(plan["store_id"].nunique()),
        "promotion_expected_lift_pen": round(float(plan["expected_lift"].sum()), 2),
        "promotions_low_confidence": int((plan["confidence"] == "low").sum()),
        "sales_model_version": version,
    }
