"""The simple baselines a first model must beat before it is promoted.

With no champion, a challenger used to be promoted whatever it scored, even one worse than
repeating last week. Now the first challenger is compared, on the same holdout and metric, with
the model's simple baseline:

- traffic_rnn: the stronger of seasonal naive (same hour last week) and the 4-week same-hour
  mean (P50 MAE);
- sales_rf: seasonal naive, the same weekday of the last observed week (WAPE);
- review_sentiment: always the majority class of the training reviews (macro-F1);
- customer_churn: chance (ROC AUC 0.5). Recency alone (fewer days since the last visit = more
  likely to return) is scored and logged too (``holdout_recency_only_roc_auc``) but is not the
  bar: it ranks customers without a probability, so it cannot stand in for the model's scores
  (rewards need P(return)), and on the simulator the model only matches it (AUC 0.787 vs 0.790
  on the demo's first night): gating on it would leave a chain without rewards for a model as
  good as that ranking.

The challenger must be better than the baseline (any gain; a tie loses).

When it loses, the champion alias is not set, the decision row names the baseline as what the
night serves (``champion_version`` = ``baseline:<name>``, with its score), the forecast stage
publishes the baseline's forecast for that night (rows whose ``model_version`` is that label),
the scoring stages that need the model are skipped with a notice, the run summary lists it and
the data engineers get an email. The next night tries again with a fresh challenger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from pipelines.settings import Settings

BASELINE_PREFIX = "baseline:"
SKIPPED = "skipped: no model beat the baseline"
log = logging.getLogger(__name__)


def is_baseline(version: str | None) -> bool:
    """Whether a served 'version' names a baseline (``baseline:<name>``), not a registry one."""
    return version is not None and version.startswith(BASELINE_PREFIX)


@dataclass(frozen=True)
class Baseline:
    """A baseline's score on the challenger's holdout and metric."""

    name: str  # e.g. "seasonal_naive"
    score: float

    @property
    def label(self) -> str:
        return BASELINE_PREFIX + self.name


def strongest(candidates: list[Baseline], higher_is_better: bool) -> Baseline | None:
    """The best-scoring baseline (NaN scores ignored); None when none could be scored."""
    scored = [b for b in candidates if b.score is not None and np.isfinite(b.score)]
    if not scored:
        return None
    pick = max if higher_is_better else min
    return pick(scored, key=lambda b: b.score)


def majority_class_macro_f1(train_labels: Any, holdout_labels: Any) -> Baseline:
    """Macro-F1 on the holdout of always predicting the most frequent training class."""
    from models.loyalty.metrics import classification_report

    values, counts = np.unique(np.asarray(train_labels), return_counts=True)
    majority = values[counts.argmax()]
    holdout = np.asarray(holdout_labels)
    report = classification_report(holdout, np.full(len(holdout), majority))
    return Baseline("majority_class", float(report.macro_f1))


def churn_baselines(labels: Any, recency_days: Any) -> tuple[Baseline, Baseline]:
    """Chance (AUC 0.5, the bar) and recency alone (logged for reference), on the holdout's
    labels (1 = returned)."""
    from sklearn.metrics import roc_auc_score

    returned = np.asarray(labels, dtype=int)
    recency = np.asarray(recency_days, dtype=float)
    recency = np.where(np.isnan(recency), np.nanmax(recency, initial=0.0) + 1, recency)
    recent = float(roc_auc_score(returned, -recency)) if len(np.unique(returned)) == 2 else np.nan
    return Baseline("chance", 0.5), Baseline("recency_only", recent)


def announce(settings: Settings, business_date: date, decision: Any) -> dict[str, Any]:
    """Nothing when the decision promoted or kept a model. When it serves a baseline: email
    the data engineers (never raises: the night goes on, a delivery problem is a warning) and
    return what the train task's counts and the run summary say about it."""
    if not decision.served_baseline:
        return {}
    from pipelines import alerts

    notice = f"{decision.model_name}: no model beat the baseline; {decision.reason}"
    log.warning("%s", notice)
    sent = alerts.send_baseline_alert(settings, decision.model_name, business_date, notice)
    return {"served": decision.served_baseline, "notice": notice, "engineers_emailed": sent}
