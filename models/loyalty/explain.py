"""Why a member's churn score is what it is: SHAP values of the churn model, pure.

Algorithm: SHAP's TreeExplainer on the gradient-boosted trees' raw output (log-odds of coming
back), ``feature_perturbation="tree_path_dependent"``: no background sample to choose or store,
"an average member" is what the trees saw in training (their cover), and with shallow trees
(15 leaves) it costs well under a millisecond per member. Values are reported towards churn
risk (the log-odds of *not* returning, i.e. the negated SHAP values), so a positive contribution
is a reason the member may not come back, and ``base + contributions.sum(1)`` is the logit of
``risk = 1 - p_return_30d``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.loyalty.churn import ChurnModel
from pipelines.errors import NightshiftError

OTHER_FEATURES = "other_features"
NO_DRIVERS = "not_enough_history"
NEGLIGIBLE_LOGIT = 1e-6
# Below this many visit days there is no rhythm (gaps) to read: reasons say so.
MIN_VISITS_FOR_REASONS = 2


@dataclass(frozen=True)
class ChurnExplanation:
    """Per member (``index``, the features' index): feature values and contributions towards
    churn risk in log-odds, where ``base + contributions.sum(1) == logit(risk)``."""

    index: pd.Index
    feature_names: tuple[str, ...]
    values: np.ndarray  # (members, features), NaN where a value does not exist yet
    contributions: np.ndarray  # (members, features), log-odds of not returning
    base: float  # log-odds of not returning for the average training member
    risk: np.ndarray  # (members,), 1 - P(return within 30 days)

    def additivity_error(self) -> np.ndarray:
        logit = np.log(self.risk) - np.log1p(-self.risk)
        return np.abs(self.base + self.contributions.sum(axis=1) - logit)


def _boosted(model: ChurnModel) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    if model.estimator is None:
        raise NightshiftError("the churn model is not fitted yet")
    if not isinstance(model.estimator, HistGradientBoostingClassifier):
        # A calibrated wrapper averages several boosted models through a calibration curve:
        # its probabilities are not a sum of tree outputs, so TreeSHAP cannot split them.
        raise NightshiftError(
            f"churn explanations need the plain boosted model, not calibration "
            f"{model.config.calibration!r}"
        )
    return model.estimator


def explain_members(model: ChurnModel, features: pd.DataFrame) -> ChurnExplanation:
    """SHAP contributions towards churn risk for every row of ``features``."""
    import shap  # heavy: only where explanations are made

    estimator = _boosted(model)
    names = tuple(model.feature_names)
    matrix = features[list(names)].to_numpy(dtype=float) if len(features) else np.zeros((0, 0))
    if not len(features):
        empty = np.zeros((0, len(names)))
        return ChurnExplanation(features.index, names, empty, empty, 0.0, np.zeros(0))
    explainer = shap.TreeExplainer(estimator, feature_perturbation="tree_path_dependent")
    phi = np.asarray(explainer.shap_values(matrix, check_additivity=False), dtype=float)
    if phi.ndim == 3:  # (members, features, outputs) on some versions: the positive class
        phi = phi[..., -1]
    base = float(np.ravel(explainer.expected_value)[-1])
    # decision_function is the same raw log-odds the SHAP values add up to.
    p_return = 1.0 / (1.0 + np.exp(-np.asarray(estimator.decision_function(matrix), dtype=float)))
    return ChurnExplanation(features.index, names, matrix, -phi, -base, 1.0 - p_return)


def top_drivers(explanation: ChurnExplanation, top: int) -> pd.DataFrame:
    """Long table indexed like the members: per member its ``top`` largest contributions (rank
    1 = largest |log-odds|), then OTHER_FEATURES with the rest summed. A member with fewer than
    MIN_VISITS_FOR_REASONS visits (no rhythm of visits to read yet), or whom nothing sets apart
    from the average, gets one NO_DRIVERS row carrying the whole sum instead."""
    contributions = explanation.contributions
    names = np.asarray(explanation.feature_names, dtype=object)
    order = np.argsort(-np.abs(contributions), axis=1, kind="stable")
    shown = np.zeros(contributions.shape, dtype=bool)
    members = np.arange(len(contributions))
    short = np.zeros(len(contributions), dtype=bool)
    if "visits_total" in explanation.feature_names:
        visits = explanation.values[:, explanation.feature_names.index("visits_total")]
        short = ~(visits >= MIN_VISITS_FOR_REASONS)  # NaN counts as too short
    frames = []
    for rank in range(min(top, contributions.shape[1])):
        column = order[:, rank]
        value = contributions[members, column]
        keep = (np.abs(value) >= NEGLIGIBLE_LOGIT) & ~short
        shown[members[keep], column[keep]] = True
        frames.append(
            _rows(explanation, keep, rank + 1, names[column],
                  explanation.values[members, column], value)
        )  # fmt: skip
    rest = np.where(shown, 0.0, contributions).sum(axis=1)
    any_shown = np.asarray(shown.any(axis=1), dtype=bool)
    nothing = np.full(len(rest), np.nan)
    frames.append(
        _rows(explanation, any_shown & (np.abs(rest) >= NEGLIGIBLE_LOGIT), top + 1,
              np.full(len(rest), OTHER_FEATURES, dtype=object), nothing, rest)
    )  # fmt: skip
    frames.append(
        _rows(explanation, ~any_shown, 1, np.full(len(rest), NO_DRIVERS, dtype=object),
              nothing, contributions.sum(axis=1))
    )  # fmt: skip
    table = pd.concat(frames)
    return table.sort_values(["_member", "rank"], kind="stable").drop(columns="_member")


def _rows(
    explanation: ChurnExplanation,
    keep: np.ndarray,
    rank: int,
    feature: np.ndarray,
    value: np.ndarray,
    contribution: np.ndarray,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": rank,
            "feature": feature[keep],
            "feature_value": value[keep],
            "contribution": contribution[keep],
            "base": explanation.base,
            "risk": explanation.risk[keep],
            "_member": np.flatnonzero(keep),
        },
        index=explanation.index[keep],
    )


def mean_abs_contribution(explanation: ChurnExplanation) -> pd.Series:
    """Global importance: mean |contribution| (log-odds) per feature, largest first."""
    mean = (
        np.abs(explanation.contributions).mean(axis=0)
        if len(explanation.contributions)
        else np.zeros(len(explanation.feature_names))
    )
    series = pd.Series(mean, index=list(explanation.feature_names), name="mean_abs")
    return series.sort_values(ascending=False, kind="stable")
