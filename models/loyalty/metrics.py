"""Evaluation numbers for both models, in plain numpy/sklearn (nothing here logs or plots)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, confusion_matrix, f1_score, roc_auc_score

from models.loyalty.labels import CLASS_NAMES

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class ClassificationReport:
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: np.ndarray  # (3, 3): rows = true class, columns = predicted class
    support: int

    def as_dict(self) -> dict[str, object]:
        """Flat, JSON-friendly numbers (what goes to MLflow metrics/params)."""
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            **{f"f1_{name}": value for name, value in self.per_class_f1.items()},
            "confusion": self.confusion.tolist(),
            "support": self.support,
        }


def classification_report(y_true: np.ndarray, y_pred: np.ndarray) -> ClassificationReport:
    classes = list(range(len(CLASS_NAMES)))
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    per_class = f1_score(y_true, y_pred, labels=classes, average=None, zero_division=0)
    return ClassificationReport(
        accuracy=float(np.mean(y_true == y_pred)) if len(y_true) else float("nan"),
        macro_f1=float(np.mean(per_class)),
        per_class_f1={name: float(f) for name, f in zip(CLASS_NAMES, per_class, strict=True)},
        confusion=confusion_matrix(y_true, y_pred, labels=classes),
        support=len(y_true),
    )


def calibration_table(
    returned: np.ndarray, probability: np.ndarray, bins: int = CALIBRATION_BINS
) -> pd.DataFrame:
    """Equal-width probability bins: mean predicted vs observed rate and row count.

    Empty bins are kept (count 0, NaN rates) so the table always has ``bins`` rows.
    """
    returned, probability = np.asarray(returned, dtype=float), np.asarray(probability, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    frame = pd.DataFrame({"bin": which, "predicted": probability, "observed": returned})
    grouped = frame.groupby("bin").agg(
        mean_predicted=("predicted", "mean"),
        observed_rate=("observed", "mean"),
        count=("observed", "size"),
    )
    table = grouped.reindex(range(bins))
    table["count"] = table["count"].fillna(0).astype(int)
    table.insert(0, "upper", edges[1:])
    table.insert(0, "lower", edges[:-1])
    return table.rename_axis("bin").reset_index()


@dataclass(frozen=True)
class ChurnReport:
    roc_auc: float
    brier: float
    base_rate: float  # share of customers who returned
    rows: int
    calibration: pd.DataFrame

    def as_dict(self) -> dict[str, float | int]:
        return {
            "roc_auc": self.roc_auc,
            "brier": self.brier,
            "base_rate": self.base_rate,
            "rows": self.rows,
        }


def churn_report(returned: np.ndarray, probability: np.ndarray) -> ChurnReport:
    """Scores ``probability`` (of returning) against the observed 0/1 ``returned``."""
    returned, probability = np.asarray(returned, dtype=int), np.asarray(probability, dtype=float)
    both_classes = len(np.unique(returned)) == 2
    return ChurnReport(
        roc_auc=float(roc_auc_score(returned, probability)) if both_classes else float("nan"),
        brier=float(brier_score_loss(returned, probability)),
        base_rate=float(returned.mean()),
        rows=len(returned),
        calibration=calibration_table(returned, probability),
    )
