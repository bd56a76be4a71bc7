"""Why the sales forest forecasts what it does: SHAP values in soles, pure (no database).

Algorithm: SHAP's TreeExplainer with ``feature_perturbation="interventional"`` against one
reference row per series (store x category): the feature-wise median of that series' rows being
explained, i.e. "a typical day of this store's category in the forecast fortnight". A row's
contributions then say what makes *that day* different from the series' typical day (the
weekday, a holiday, payday, a promotion, the weather), and the series-level features (its size,
its recent trend), equal in the row and its reference, get exactly zero. Interventional SHAP
against one row is exact and cheap for these deep trees (~1 ms per row instead of ~80 ms for
the path-dependent algorithm on the reference forest); each extra background row would add as
much again (see README "Why this number?").

Units: the forest predicts sales / level (``SalesConfig.target == "ratio"``); a SHAP value in
that unit times the row's level is soles, so base + contributions = the published forecast, up
to floating point. (With ``"log_ratio"`` the soles gap is split in proportion to the SHAP values:
still additive, only approximately attributed.)

A lift (with a promotion vs without) is explained the same way with the "without" row as the
reference: exact Shapley values over the few columns the promotion changes (at most five per
row, so every coalition is priced), equal to interventional TreeSHAP with that single background
row (a test checks it against ``shap``), and summing to the lift.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.sales.config import TOTAL_CATEGORY
from models.sales.features import MIN_LEVEL, FeatureRows, fill_missing_baseline
from models.sales.forest import SalesForecaster, from_target
from pipelines.errors import NightshiftError

OTHER_FEATURES = "other_features"  # the rest, summed, after the top drivers
NO_DRIVERS = "not_enough_history"  # nothing moved the forecast away from its reference
# Below this many soles a contribution is rounding noise, not a driver.
NEGLIGIBLE_PEN = 0.005
# Shapley values over more changed columns than this would need too many coalitions.
MAX_CHANGED_COLUMNS = 8
KEY_COLUMNS = ("store_id", "date", "category")


@dataclass(frozen=True)
class SalesExplanation:
    """Per row: feature values, contributions (PEN), base (PEN) and prediction (PEN), where
    ``base + contributions.sum(1) == prediction`` (see ``additivity_error``)."""

    keys: pd.DataFrame  # store_id, date, category
    feature_names: tuple[str, ...]
    values: np.ndarray  # (rows, features); NaN where unknown (or differing, on store totals)
    contributions: np.ndarray  # (rows, features), PEN
    base: np.ndarray  # (rows,), PEN: the forecast for the row's reference day
    prediction: np.ndarray  # (rows,), PEN

    def additivity_error(self) -> np.ndarray:
        return np.abs(self.base + self.contributions.sum(axis=1) - self.prediction)

    def subset(self, mask: np.ndarray) -> SalesExplanation:
        return SalesExplanation(
            self.keys.iloc[mask].reset_index(drop=True),
            self.feature_names,
            self.values[mask],
            self.contributions[mask],
            self.base[mask],
            self.prediction[mask],
        )


def _forest(forecaster: SalesForecaster) -> Any:
    if forecaster.forest is None:
        raise NightshiftError("the sales forecaster is not fitted yet")
    return forecaster.forest


def _predict_ratio(forest: Any, matrix: np.ndarray) -> np.ndarray:
    # One job: trees summed in order, so a re-run reproduces the last bits (see predict_rows).
    jobs = getattr(forest, "n_jobs", None)
    if jobs is not None:
        forest.n_jobs = 1
    try:
        return np.asarray(forest.predict(matrix), dtype=float)
    finally:
        if jobs is not None:
            forest.n_jobs = jobs


def _to_pen(
    forecaster: SalesForecaster,
    level: np.ndarray,
    base: np.ndarray,
    phi: np.ndarray,
    prediction: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(base, contributions) in soles from target-unit SHAP values."""
    if forecaster.config.target == "ratio":
        scale = np.maximum(level, MIN_LEVEL)
        return base * scale, phi * scale[:, None]
    base_pen = from_target(base, level, forecaster.config.target)
    total = phi.sum(axis=1)
    share = np.divide(
        prediction - base_pen, total, out=np.zeros_like(total), where=np.abs(total) > 1e-12
    )
    return base_pen, phi * share[:, None]


def explain_rows(forecaster: SalesForecaster, rows: FeatureRows) -> SalesExplanation:
    """SHAP contributions (PEN) of every feature for every row, each series against its own
    typical day (the median of its rows here)."""
    import shap  # heavy (numba, matplotlib): only where explanations are made

    forest = _forest(forecaster)
    matrix = forecaster.matrix(rows)
    names = forecaster.feature_names
    phi = np.zeros_like(matrix)
    base = np.zeros(len(matrix))
    series = rows.keys["series"].to_numpy() if len(rows.keys) else np.zeros(0, dtype=int)
    for value in np.unique(series):
        at = np.flatnonzero(series == value)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column stays NaN
            reference = np.nanmedian(matrix[at], axis=0)[None, :]
        explainer = shap.TreeExplainer(
            forest, data=reference, feature_perturbation="interventional"
        )
        phi[at] = explainer.shap_values(matrix[at], check_additivity=False)
        base[at] = float(np.ravel(explainer.expected_value)[0])
    prediction = forecaster.predict_rows(rows)
    base_pen, contributions = _to_pen(
        forecaster, fill_missing_baseline(rows), base, phi, prediction
    )
    keys = rows.keys[list(KEY_COLUMNS)].reset_index(drop=True)
    return SalesExplanation(keys, names, matrix, contributions, base_pen, prediction)


def with_store_totals(explanation: SalesExplanation) -> SalesExplanation:
    """The rows plus one TOTAL_CATEGORY row per store and date: contributions, base and
    prediction summed over its categories (so the totals stay additive); a feature's value is
    kept where every category has the same (calendar, weather), NaN where they differ."""
    if explanation.keys.empty:
        return explanation
    keys = explanation.keys[["store_id", "date"]]
    group = keys.groupby(["store_id", "date"], sort=True).ngroup().to_numpy()
    count = group.max() + 1
    sums = np.zeros((count, len(explanation.feature_names)))
    np.add.at(sums, group, explanation.contributions)
    base, prediction = np.zeros(count), np.zeros(count)
    np.add.at(base, group, explanation.base)
    np.add.at(prediction, group, explanation.prediction)
    values = pd.DataFrame(explanation.values).groupby(group)
    low, high = values.min().to_numpy(), values.max().to_numpy()
    shared = np.where(low == high, low, np.nan)
    first = pd.Series(np.arange(len(group))).groupby(group).first().to_numpy()
    totals_keys = keys.iloc[first].reset_index(drop=True).assign(category=TOTAL_CATEGORY)
    combined = SalesExplanation(
        pd.concat([explanation.keys, totals_keys], ignore_index=True),
        explanation.feature_names,
        np.vstack([explanation.values, shared]),
        np.vstack([explanation.contributions, sums]),
        np.concatenate([explanation.base, base]),
        np.concatenate([explanation.prediction, prediction]),
    )
    order = combined.keys.sort_values(list(KEY_COLUMNS), kind="stable").index.to_numpy()
    return combined.subset(order)


def top_drivers(explanation: SalesExplanation, top: int) -> pd.DataFrame:
    """Long table: per row its ``top`` largest contributions (rank 1 = largest |PEN|), then one
    OTHER_FEATURES row with the rest summed, so base + the rows' contributions = prediction.
    A row nothing moved away from its reference gets one NO_DRIVERS row (contribution 0)."""
    contributions = explanation.contributions
    names = np.asarray(explanation.feature_names, dtype=object)
    frames = []
    magnitude = np.abs(contributions)
    # Largest first; ties by feature order, so the ranking is the same on every run.
    order = np.argsort(-magnitude, axis=1, kind="stable")
    shown = np.zeros(contributions.shape, dtype=bool)
    ranks = np.arange(len(contributions))
    for rank in range(min(top, contributions.shape[1])):
        column = order[:, rank]
        value = contributions[ranks, column]
        keep = np.abs(value) >= NEGLIGIBLE_PEN
        shown[ranks[keep], column[keep]] = True
        frames.append(
            _rows(explanation, keep, rank + 1, names[column], explanation.values[ranks, column],
                  value)
        )  # fmt: skip
    rest = np.where(shown, 0.0, contributions).sum(axis=1)
    any_shown = np.asarray(shown.any(axis=1), dtype=bool)
    frames.append(
        _rows(explanation, any_shown & (np.abs(rest) >= NEGLIGIBLE_PEN), top + 1,
              np.full(len(rest), OTHER_FEATURES, dtype=object), np.full(len(rest), np.nan), rest)
    )  # fmt: skip
    # Nothing worth naming: the forecast is the reference's (e.g. a model whose inputs never
    # varied). The whole gap, if any, stays on this one row so the table remains additive.
    frames.append(
        _rows(explanation, ~any_shown, 1, np.full(len(rest), NO_DRIVERS, dtype=object),
              np.full(len(rest), np.nan), contributions.sum(axis=1))
    )  # fmt: skip
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values([*KEY_COLUMNS, "rank"], kind="stable").reset_index(drop=True)


def _rows(
    explanation: SalesExplanation,
    keep: np.ndarray,
    rank: int,
    feature: np.ndarray,
    value: np.ndarray,
    contribution: np.ndarray,
) -> pd.DataFrame:
    return explanation.keys[keep].assign(
        rank=rank,
        feature=feature[keep],
        feature_value=value[keep],
        contribution_pen=contribution[keep],
        base_pen=explanation.base[keep],
        prediction_pen=explanation.prediction[keep],
    )


def mean_abs_contribution(explanation: SalesExplanation) -> pd.Series:
    """Global importance: mean |contribution| (PEN) per feature over the category rows (store
    totals left out: they would count every category twice), largest first."""
    rows = explanation.keys["category"].to_numpy() != TOTAL_CATEGORY
    mean = (
        np.abs(explanation.contributions[rows]).mean(axis=0)
        if rows.any()
        else np.zeros(len(explanation.feature_names))
    )
    series = pd.Series(mean, index=list(explanation.feature_names), name="mean_abs")
    return series.sort_values(ascending=False, kind="stable")


def baseline_shapley(
    predict: Any, x: np.ndarray, reference: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact Shapley values of ``predict`` at each row of ``x`` against the same row of
    ``reference`` (one background row each): (phi, f(reference), f(x)), phi summing to
    f(x) - f(reference). Only the columns where a row differs from its reference take part
    (the others get 0), so each row needs 2^k predictions for its k changed columns."""
    same = (x == reference) | (np.isnan(x) & np.isnan(reference))
    phi = np.zeros_like(x, dtype=float)
    f_ref, f_x = np.zeros(len(x)), np.zeros(len(x))
    changed = ~same
    patterns, group = np.unique(changed, axis=0, return_inverse=True)
    for index, pattern in enumerate(patterns):
        at = np.flatnonzero(group.ravel() == index)
        columns = np.flatnonzero(pattern)
        k = len(columns)
        if k > MAX_CHANGED_COLUMNS:
            raise NightshiftError(
                f"a lift changes {k} columns; at most {MAX_CHANGED_COLUMNS} can be explained"
            )
        subsets = list(itertools.product((False, True), repeat=k))
        hybrids = np.repeat(reference[at][None, :, :], len(subsets), axis=0)
        for s, chosen in enumerate(subsets):
            picked = columns[np.asarray(chosen, dtype=bool)]
            hybrids[s][:, picked] = x[at][:, picked]
        values = np.asarray(predict(hybrids.reshape(-1, x.shape[1]))).reshape(len(subsets), -1)
        position = {chosen: s for s, chosen in enumerate(subsets)}
        for s, chosen in enumerate(subsets):
            size = sum(chosen)
            for j in range(k):
                if chosen[j]:
                    continue
                weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
                plus = position[tuple(True if i == j else c for i, c in enumerate(chosen))]
                phi[at, columns[j]] += weight * (values[plus] - values[s])
        f_ref[at] = values[0]
        f_x[at] = values[-1]
    return phi, f_ref, f_x


@dataclass(frozen=True)
class LiftExplanation:
    """Per scenario row (every category of each candidate's store-day): the lift of that row
    (PEN, with minus without) split over the promotion columns."""

    candidate: np.ndarray  # per row: position of its candidate
    is_target: np.ndarray  # per row: the promoted category's own row
    category: np.ndarray  # per row
    feature_names: tuple[str, ...]
    contributions: np.ndarray  # (rows, features), PEN; sums to ``lift``
    lift: np.ndarray  # (rows,), PEN


def explain_lift(
    forecaster: SalesForecaster, with_rows: FeatureRows, without_rows: FeatureRows,
    candidate: np.ndarray, is_target: np.ndarray,
) -> LiftExplanation:  # fmt: skip
    """Each row's with-minus-without sales split over the columns the promotion changes
    (exact Shapley values, the "without" row as the reference)."""
    forest = _forest(forecaster)
    x, reference = forecaster.matrix(with_rows), forecaster.matrix(without_rows)
    phi, f_without, f_with = baseline_shapley(lambda m: _predict_ratio(forest, m), x, reference)
    level = fill_missing_baseline(without_rows)
    with_pen = from_target(f_with, level, forecaster.config.target)
    without_pen = from_target(f_without, level, forecaster.config.target)
    # The "without" forecast is the base: contributions (PEN) add up to with - without.
    _, contributions = _to_pen(forecaster, level, f_without, phi, with_pen)
    return LiftExplanation(
        np.asarray(candidate),
        np.asarray(is_target, dtype=bool),
        with_rows.keys["category"].to_numpy(dtype=object),
        forecaster.feature_names,
        contributions,
        with_pen - without_pen,
    )
