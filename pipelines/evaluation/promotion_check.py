"""Promotions checked against the simulator's truth: does the stated 80% interval contain the
true lift 80% of the time, and do the top-ranked promotions really add margin?

For each origin, the sales forest is fitted on what the chain knew that night, every candidate
is priced (sales and margin, with and without, and their intervals) and ranked by margin as the
nightly ranks them; the simulator's oracle then prices the proposed candidates and a uniform
sample of the others from its own rules. Pure: a simulated chain in memory, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from models.sales.backtest import promotions_known_at
from models.sales.config import SalesConfig
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from models.sales.margin import INTERVAL_SCALE, fit_interval_scale, score_candidates
from pipelines.evaluation.chain import ChainHistory, daily_weather
from pipelines.planning.promotions import (
    STAFF_DAY_COLUMNS,
    TOP_PER_STORE,
    promotion_candidates,
    rank_candidates,
)
from pipelines.simulator.oracle import DRAWS, true_effects

# The documented default margin for a category without costs (settings' default, 30%).
DEFAULT_COST_SHARE = 0.70
NO_STAFF_PLAN = pd.DataFrame(columns=STAFF_DAY_COLUMNS)


@dataclass(frozen=True)
class PromotionCheck:
    # One row per checked candidate: the model's values and intervals, the truth, and whether
    # it was proposed (``rank``) or drawn for calibration (``sampled``).
    candidates: pd.DataFrame
    summary: dict[str, Any]


def inputs_at(history: ChainHistory, origin: date) -> SalesInputs:
    """What the warehouse held on the night of ``origin``."""
    sales = history.sales_frame()
    promotions = promotions_known_at(history.promotions_frame(), pd.Timestamp(origin))
    return SalesInputs(
        sales=sales[sales["date"] <= pd.Timestamp(origin)],
        promotions=promotions,
        weather=daily_weather(history.sim),
    )


def price_origin(
    history: ChainHistory, origin: date, config: SalesConfig, scale: float = INTERVAL_SCALE
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every candidate scored, the proposed ones ranked by margin) for one night."""
    inputs = inputs_at(history, origin)
    model = SalesForecaster(config).fit_inputs(inputs)
    candidates = promotion_candidates(
        inputs.sales, inputs.promotions, pd.Timestamp(origin), config.horizon
    )
    shares = history.cost_shares(origin)
    scored = score_candidates(
        model, inputs, pd.Timestamp(origin), candidates, shares, DEFAULT_COST_SHARE, scale
    )
    ranked = rank_candidates(scored, NO_STAFF_PLAN, TOP_PER_STORE, by="expected_margin")
    return scored, ranked


def check_promotions(
    history: ChainHistory,
    origins: list[date],
    config: SalesConfig | None = None,
    sample: int = 300,
    draws: int = DRAWS,
    seed: int = 0,
) -> PromotionCheck:
    """Price the candidates of each origin and compare with the oracle. ``history`` must have
    been simulated with ``horizon_end`` at least the last origin (the oracle needs each origin's
    next 14 days prepared).

    Intervals: the per-tree spread's width factor is fitted (split conformal) on the first
    origin's drawn candidates and checked on the other origins' (with one origin, in-sample);
    the summary also gives the coverage of the raw spread and of the shipped INTERVAL_SCALE.
    """
    config = config or SalesConfig()
    rng = np.random.default_rng(seed)
    frames = []
    for origin in origins:
        scored, ranked = price_origin(history, origin, config, scale=1.0)
        proposed = ranked[["store_id", "date", "category", "discount_pct", "rank"]]
        scored = scored.assign(date=pd.to_datetime(scored["date"]))
        checked = scored.merge(
            proposed, on=["store_id", "date", "category", "discount_pct"], how="left"
        )
        drawn = rng.choice(len(checked), size=min(sample, len(checked)), replace=False)
        checked["sampled"] = False
        checked.loc[checked.index[drawn], "sampled"] = True
        checked = checked[checked["sampled"] | checked["rank"].notna()]
        truth = true_effects(history.sim, checked, draws=draws, seed=seed)
        frames.append(truth.assign(origin=pd.Timestamp(origin)))
    candidates = pd.concat(frames, ignore_index=True)
    first = candidates["origin"] == pd.Timestamp(origins[0])
    calibration = candidates[first & candidates["sampled"]]
    scale = fit_interval_scale(
        calibration["expected_margin"].to_numpy(),
        calibration["margin_p10"].to_numpy(),
        calibration["margin_p90"].to_numpy(),
        calibration["true_margin_lift"].to_numpy(),
    )
    candidates["checked"] = candidates["sampled"] & (~first if len(origins) > 1 else True)
    summary = summarise(candidates, scale) | {
        "fitted_scale": scale,
        "shipped_scale": INTERVAL_SCALE,
        "calibration_candidates": len(calibration),
        "in_sample": len(origins) == 1,
    }
    return PromotionCheck(candidates=candidates, summary=summary)


def _covered(
    frame: pd.DataFrame, value: str, low: str, high: str, truth: str, scale: float
) -> float | None:
    rows = frame.dropna(subset=[value, low, high, truth])
    if rows.empty:
        return None
    half = scale * (rows[high] - rows[low]) / 2  # the scale-1 intervals are symmetric
    lower, upper = rows[value] - half, rows[value] + half
    return float(((rows[truth] >= lower) & (rows[truth] <= upper)).mean())


def _share(values: pd.Series) -> float | None:
    return float(values.mean()) if len(values) else None


def summarise(candidates: pd.DataFrame, scale: float) -> dict[str, Any]:
    """Coverage of the intervals on the checked draws (uniform: selection by a high estimate
    would bias it), widened by ``scale``, by the shipped scale and raw; and the true margin of
    what was proposed."""
    checked = candidates[candidates["checked"]]
    sampled = candidates[candidates["sampled"]]
    proposed = candidates[candidates["rank"].notna()]
    top = proposed[proposed["rank"] <= 3]
    by_revenue = sampled.sort_values("store_lift", ascending=False)
    margin = ("expected_margin", "margin_p10", "margin_p90", "true_margin_lift")
    sales = ("store_lift", "lift_p10", "lift_p90", "true_sales_lift")
    return {
        "checked": len(checked),
        "proposed": len(proposed),
        "margin_interval_coverage": _covered(checked, *margin, scale),
        "sales_interval_coverage": _covered(checked, *sales, scale),
        "margin_interval_coverage_shipped_scale": _covered(checked, *margin, INTERVAL_SCALE),
        "margin_interval_coverage_raw": _covered(checked, *margin, 1.0),
        "proposed_margin_interval_coverage": _covered(proposed, *margin, scale),
        "top3_true_margin_positive": _share(top["true_margin_lift"] > 0),
        "proposed_true_margin_positive": _share(proposed["true_margin_lift"] > 0),
        "proposed_true_margin_pen": float(proposed["true_margin_lift"].sum()),
        "sampled_true_margin_positive": _share(sampled["true_margin_lift"] > 0),
        # The draws' best tenth by expected *sales*: how often revenue ranking loses margin.
        "revenue_top_decile_true_margin_positive": _share(
            by_revenue.head(max(len(by_revenue) // 10, 1))["true_margin_lift"] > 0
        ),
        "margin_error_mae_pen": float(
            (sampled["expected_margin"] - sampled["true_margin_lift"]).abs().mean()
        ),
    }


def weekly_origins(first: date, count: int, every_days: int = 7) -> list[date]:
    return [first + timedelta(days=every_days * k) for k in range(count)]


def format_summary(summary: dict[str, Any]) -> str:
    def share(key: str) -> str:
        value = summary.get(key)
        return "-" if value is None else f"{value:.1%}"

    where = "in sample (one night)" if summary["in_sample"] else "on the later nights"
    return "\n".join(
        [
            f"interval width factor fitted on the first night's {summary['calibration_candidates']}"
            f" drawn candidates: {summary['fitted_scale']:.2f} (shipped: "
            f"{summary['shipped_scale']:.2f})",
            f"checked {where}: {summary['checked']} drawn candidates; "
            f"{summary['proposed']} proposed (top {TOP_PER_STORE} per store and night)",
            f"stated 80% interval contains the true incremental margin: "
            f"{share('margin_interval_coverage')} (target 75-85%; shipped factor "
            f"{share('margin_interval_coverage_shipped_scale')}, raw tree spread "
            f"{share('margin_interval_coverage_raw')})",
            f"stated 80% interval contains the true sales lift: {share('sales_interval_coverage')}",
            f"  on the proposed candidates only (selected for a high estimate): "
            f"{share('proposed_margin_interval_coverage')}",
            f"proposed with a positive true margin: {share('proposed_true_margin_positive')} "
            f"(top 3 per store: {share('top3_true_margin_positive')}); all candidates: "
            f"{share('sampled_true_margin_positive')}; best tenth by expected sales: "
            f"{share('revenue_top_decile_true_margin_positive')}",
            "true incremental margin of the proposals: "
            f"S/ {summary['proposed_true_margin_pen']:,.0f}; mean absolute error of the expected "
            f"margin: S/ {summary['margin_error_mae_pen']:,.0f}",
        ]
    )
