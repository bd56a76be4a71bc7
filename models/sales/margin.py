"""Incremental margin of a promotion: the counterfactual's sales turned into margin, net of the
discount given away, with an interval from the model's own spread (pure numpy/pandas).

Sales are net of discounts (what the till takes), so with a category's cost share ``c`` (unit
cost over list price, from the catalogue's costs and the store's recent lines) and a discount
``d``, each sol sold keeps ``1 - c / (1 - d)`` sol of margin: a 30% discount on a category with
a 16% margin (c = 0.84) loses 0.20 sol on every sol it sells. A promotion's incremental margin
is the store's margin with it minus without it, over every category (the promoted one, and the
others it pulls customers into or takes share from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from models.sales.counterfactual import Scenarios, build_scenarios
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from pipelines.errors import NightshiftError

COST_SHARE_COLUMNS = ("store_id", "category", "cost_share")
# The stated interval: this central share of the lift's distribution.
INTERVAL_LEVEL = 0.80
# Width factor on the trees' spread, checked against simulated promotions whose true effect is
# known (``nightshift plans promotions`` fits one by split conformal on the first night and
# checks it on the later ones; README "Promotions by margin"). On the reference workload (20
# stores x 2 years, 200 trees, 4 nights) 0.85 covered 81.9% of the later nights' true
# incremental margins (the raw spread 85.4%). Chain-specific: re-fit it for another chain.
INTERVAL_SCALE = 0.85
SCALE_RANGE = (0.1, 10.0)


def margin_per_sale(cost_share: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """Margin kept per sol of (net) sales: 1 - cost_share / (1 - discount)."""
    discount = np.asarray(discount, dtype=float)
    if (discount >= 1).any():
        raise NightshiftError(
            "a 100% discount gives the goods away: its cost cannot be read from sales"
        )
    return 1.0 - np.asarray(cost_share, dtype=float) / (1.0 - discount)


def row_cost_shares(
    scenarios: Scenarios, cost_shares: pd.DataFrame, default_cost_share: float
) -> np.ndarray:
    """Each scenario row's cost share: the store-category's, else ``default_cost_share``."""
    lookup = cost_shares.set_index(["store_id", "category"])["cost_share"]
    keys = pd.MultiIndex.from_arrays(
        [scenarios.store_id.astype(str), scenarios.category.astype(str)]
    )
    found = lookup.reindex(keys).to_numpy(dtype=float)
    return np.where(np.isfinite(found), found, default_cost_share)


def _per_candidate(values: np.ndarray, candidate: np.ndarray, count: int) -> np.ndarray:
    """Sum [..., rows] by candidate into [..., count]; NaN for candidates without rows."""
    values = np.atleast_2d(values)
    out = np.zeros((values.shape[0], count))
    np.add.at(out.T, candidate, values.T)
    has_rows = np.bincount(candidate, minlength=count) > 0
    out[:, ~has_rows] = np.nan
    return out


@dataclass(frozen=True)
class CandidateValues:
    """Per candidate ([..., candidates]; a leading axis of trees when given per tree)."""

    sales_with: np.ndarray
    sales_without: np.ndarray
    margin_with: np.ndarray
    margin_without: np.ndarray

    @property
    def sales_lift(self) -> np.ndarray:
        return self.sales_with - self.sales_without

    @property
    def margin_lift(self) -> np.ndarray:
        return self.margin_with - self.margin_without


def candidate_values(
    scenarios: Scenarios,
    predicted_with: np.ndarray,
    predicted_without: np.ndarray,
    cost_share: np.ndarray,
    count: int,
) -> CandidateValues:
    """Store sales and margin per candidate from row predictions ([rows] or [trees, rows])."""
    keep_with = margin_per_sale(cost_share, scenarios.discount_with)
    keep_without = margin_per_sale(cost_share, scenarios.discount_without)
    c = scenarios.candidate
    values = CandidateValues(
        sales_with=_per_candidate(predicted_with, c, count),
        sales_without=_per_candidate(predicted_without, c, count),
        margin_with=_per_candidate(predicted_with * keep_with, c, count),
        margin_without=_per_candidate(predicted_without * keep_without, c, count),
    )
    if np.ndim(predicted_with) == 1:
        return CandidateValues(*(getattr(values, f)[0] for f in values.__dataclass_fields__))
    return values


def interval(
    point: np.ndarray,
    per_tree: np.ndarray,
    level: float = INTERVAL_LEVEL,
    scale: float = INTERVAL_SCALE,
) -> tuple[np.ndarray, np.ndarray]:
    """The stated interval around ``point`` ([candidates]) from the trees' lifts ([trees,
    candidates]): ``point`` plus or minus ``scale`` (the calibration factor) times half the
    spread of the trees' central ``level`` quantiles. Symmetric on purpose: where the mean sits
    inside the trees' spread says little about the direction of its error (on the simulator,
    a symmetric band's coverage held from one night to the next; the trees' own skew did not)."""
    tail = (1 - level) / 2
    if per_tree.shape[0] == 0:
        empty = np.full(np.shape(point), np.nan)
        return empty, empty.copy()
    low, high = np.quantile(per_tree, [tail, 1 - tail], axis=0)
    half = scale * (high - low) / 2
    return point - half, point + half


# Trees priced for the interval: enough for stable quantiles (trees are exchangeable, so the
# first ones are a fair sample) while bounding the cost of a bigger forest.
MAX_TREES_FOR_INTERVAL = 100
SCORE_COLUMNS = (
    "store_with",
    "store_without",
    "store_lift",
    "margin_with",
    "margin_without",
    "expected_margin",
    "lift_p10",
    "lift_p90",
    "margin_p10",
    "margin_p90",
    "cost_share",
)


def score_candidates(
    model: SalesForecaster,
    history: SalesInputs,
    origin: date | pd.Timestamp,
    candidates: pd.DataFrame,
    cost_shares: pd.DataFrame,
    default_cost_share: float,
    scale: float = INTERVAL_SCALE,
    max_trees: int = MAX_TREES_FOR_INTERVAL,
) -> pd.DataFrame:
    """``candidates`` with SCORE_COLUMNS: the store's sales and margin with and without each
    candidate (the forest's mean), their lifts' stated intervals (``lift_p10``..``lift_p90``,
    ``margin_p10``..``margin_p90``: INTERVAL_LEVEL of the distribution, per-tree spread times
    ``scale``) and the promoted category's cost share. ``cost_shares`` (store_id, category,
    cost_share): categories missing there cost ``default_cost_share``."""
    out = candidates.reset_index(drop=True).copy()
    if out.empty:
        return out.assign(**{column: pd.Series(dtype=float) for column in SCORE_COLUMNS})
    scenarios = build_scenarios(model, history, origin, out)
    share = row_cost_shares(scenarios, cost_shares, default_cost_share)
    count = len(out)
    mean = candidate_values(
        scenarios,
        model.predict_rows(scenarios.with_rows),
        model.predict_rows(scenarios.without_rows),
        share,
        count,
    )
    trees = candidate_values(
        scenarios,
        model.tree_predictions(scenarios.with_rows, max_trees),
        model.tree_predictions(scenarios.without_rows, max_trees),
        share,
        count,
    )
    out["store_with"], out["store_without"] = mean.sales_with, mean.sales_without
    out["store_lift"] = mean.sales_lift
    out["margin_with"], out["margin_without"] = mean.margin_with, mean.margin_without
    out["expected_margin"] = mean.margin_lift
    out["lift_p10"], out["lift_p90"] = interval(mean.sales_lift, trees.sales_lift, scale=scale)
    out["margin_p10"], out["margin_p90"] = interval(
        mean.margin_lift, trees.margin_lift, scale=scale
    )
    target_share = np.full(count, np.nan)
    target_share[scenarios.candidate[scenarios.is_target]] = share[scenarios.is_target]
    out["cost_share"] = target_share
    return out


def fit_interval_scale(
    point: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    truth: np.ndarray,
    level: float = INTERVAL_LEVEL,
) -> float:
    """Split conformal: the factor on the half-width of the scale-1 intervals [low, high]
    around ``point`` whose widened intervals hold ``level`` of the ``truth`` values — the
    ``level`` quantile of |truth - point| / half-width (finite-sample corrected)."""
    keep = np.isfinite(point) & np.isfinite(low) & np.isfinite(high) & np.isfinite(truth)
    if not keep.any():
        return 1.0
    half = (high - low)[keep] / 2
    error = np.abs(truth - point)[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(half > 0, error / half, np.where(error > 0, np.inf, 0.0))
    rank = min(int(np.ceil(level * (len(ratio) + 1))), len(ratio))
    scale = float(np.sort(ratio)[rank - 1])
    low_bound, high_bound = SCALE_RANGE
    return min(max(scale, low_bound), high_bound)
