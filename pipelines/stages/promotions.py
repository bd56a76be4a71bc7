"""Promotions: tonight's ranked promotion proposals per store for the next 14 days.

The champion sales forest prices every candidate with and without the promotion; the store's
sales become margin with each category's cost share (the catalogue's unit costs over the last
28 days of lines, ``sql/promotions/cost_shares.sql``), net of the discount given away, and the
candidates are ranked by that incremental margin (``models.sales.margin``). The ranking,
confidence labels and sentences live in ``pipelines.planning``. The run date's rows of
plan.promotions are replaced in one transaction, each carrying the sales model's version.

The 80% interval of a lift is the spread of that lift over the forest's individual trees (each
tree prices "with" and "without" on the same rows, so a tree's lift is a paired difference),
times a width factor checked against the simulator's true effects (README, "Promotions by
margin").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.explanations.promotions import explain_lifts, write_promotion_drivers
from pipelines.planning.margins import add_margin_reasons, cost_shares
from pipelines.planning.promotions import (
    add_confidence,
    add_reasons,
    promotion_candidates,
    rank_candidates,
)
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

if TYPE_CHECKING:
    from models.sales.forest import SalesForecaster


def _staff_days(engine: Engine, window: RunWindow) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            sql("promotions/staff_days"), conn, params={"run_date": window.business_date}
        )


def _cost_shares(engine: Engine, window: RunWindow, default_margin_rate: float) -> pd.DataFrame:
    with engine.connect() as conn:
        sums = pd.read_sql(
            sql("promotions/cost_shares"), conn, params={"run_date": window.business_date}
        )
    return cost_shares(sums, default_margin_rate)


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
            "margin_with": number(r.margin_with),
            "margin_without": number(r.margin_without),
            "expected_margin": number(r.expected_margin),
            "margin_p10": number(r.margin_p10),
            "margin_p90": number(r.margin_p90),
            "margin_rate": number(r.margin_rate),
            "cost_coverage": number(r.cost_coverage),
        }
        for r in plan.itertuples()
    ]


def plan_promotions(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    from models.sales.margin import score_candidates
    from pipelines.training.baselines import SKIPPED
    from pipelines.training.sales import MODEL_NAME, load_inputs
    from pipelines.training.serving import BaselineServed, load_for_night

    try:
        model, version = load_for_night(engine, settings, MODEL_NAME, window)
    except BaselineServed as served:  # seasonal naive has no with/without counterfactual
        with engine.begin() as conn:
            conn.execute(sql("promotions/delete_run"), {"run_date": window.business_date})
        return {"skipped": f"{SKIPPED} ({served.model_name} serves {served.label})"}
    forecaster: SalesForecaster = model.forecaster
    inputs = load_inputs(engine, window)
    origin = pd.Timestamp(window.business_date)
    candidates = promotion_candidates(
        inputs.sales, inputs.promotions, origin, forecaster.config.horizon
    )
    staff_days = _staff_days(engine, window)
    shares = _cost_shares(engine, window, settings.default_margin_rate)
    scored = score_candidates(
        forecaster, inputs, origin, candidates, shares[["store_id", "category", "cost_share"]],
        1 - settings.default_margin_rate,
    )  # fmt: skip
    coverage = shares.set_index(["store_id", "category"])["cost_coverage"]
    keys = pd.MultiIndex.from_frame(scored[["store_id", "category"]].astype(str))
    scored = scored.assign(
        margin_rate=1 - scored["cost_share"],
        # No recent lines with a cost: the whole category is priced at the default margin.
        cost_coverage=coverage.reindex(keys).fillna(0.0).to_numpy(),
    )
    ranked = rank_candidates(scored, staff_days, by="expected_margin")
    plan = add_confidence(ranked, "expected_margin", "margin_p10", "margin_p90")
    plan = add_margin_reasons(add_reasons(plan, settings.report_language), settings.report_language)
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
        "promotion_expected_margin_pen": round(float(plan["expected_margin"].sum()), 2),
        "promotions_low_confidence": int((plan["confidence"] == "low").sum()),
        "promotions_default_margin": int((plan["cost_coverage"] < 1).sum()),
        "sales_model_version": version,
    }
