"""Training-time explanations in MLflow: every trained model's run gets a summary plot and the
table of global mean |SHAP| (or attribution) per feature, also as metrics
(``explain.mean_abs.<feature>``), so MLflow's run comparison charts what drives each version.

Called inside an active MLflow run by the train tasks, on a bounded sample of the holdout (the
plot and the table describe the model, not one night; the nightly per-row explanations live in
the ``explanations`` schema).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
ARTIFACT_DIR = "explanations"
MAX_PLOTTED = 15  # features (or drivers) on a plot


def importance_table(feature_names: Sequence[str], contributions: np.ndarray) -> pd.DataFrame:
    """feature, mean_abs, share (largest first)."""
    mean = (
        np.abs(contributions).mean(axis=0) if len(contributions) else np.zeros(len(feature_names))
    )
    total = float(mean.sum())
    table = pd.DataFrame(
        {
            "feature": list(feature_names),
            "mean_abs": mean,
            "share": mean / total if total > 0 else np.zeros_like(mean),
        }
    )
    return table.sort_values(["mean_abs", "feature"], ascending=[False, True]).reset_index(
        drop=True
    )


def log_shap_summary(
    model_name: str,
    feature_names: Sequence[str],
    values: np.ndarray,
    contributions: np.ndarray,
    unit: str,
) -> pd.DataFrame:
    """Log SHAP's summary (beeswarm) plot, the importance table (CSV and metrics) to the
    active MLflow run; returns the table."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mlflow
    import shap

    table = importance_table(feature_names, contributions)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if len(contributions):
            shap.summary_plot(
                contributions, values, feature_names=list(feature_names),
                max_display=MAX_PLOTTED, show=False, plot_size=(8, 6),
            )  # fmt: skip
            figure = plt.gcf()
            figure.suptitle(f"{model_name}: SHAP values ({unit})", fontsize=11)
            figure.savefig(folder / "shap_summary.png", dpi=90, bbox_inches="tight")
            plt.close(figure)
            mlflow.log_artifact(str(folder / "shap_summary.png"), ARTIFACT_DIR)
        _log_table(table, unit, folder)
    return table


def log_attribution_summary(model_name: str, attributions: pd.DataFrame, unit: str) -> pd.DataFrame:
    """For drivers rather than features (the traffic network): ``attributions`` is
    ``models.traffic.attribution.DayAttribution.table`` (a row per store, day and driver); a bar
    plot of mean |attribution| per driver and the same table and metrics as
    ``log_shap_summary`` ("other", what the path integral leaves unexplained, left out)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mlflow

    named = attributions[attributions["driver"] != "other"]
    pivot = named.pivot_table(
        index=["location_id", "date"], columns="driver", values="contribution", aggfunc="sum"
    )
    table = importance_table(list(pivot.columns), pivot.fillna(0.0).to_numpy())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        top = table.head(MAX_PLOTTED).iloc[::-1]
        figure, axis = plt.subplots(figsize=(7, 4.5))
        axis.barh(top["feature"], top["mean_abs"], color="#4c72b0")
        axis.set_xlabel(f"mean |integrated gradients| ({unit} per day)")
        axis.set_title(f"{model_name}: what moves a day away from a normal one")
        figure.tight_layout()
        figure.savefig(folder / "attribution_summary.png", dpi=90)
        plt.close(figure)
        mlflow.log_artifact(str(folder / "attribution_summary.png"), ARTIFACT_DIR)
        _log_table(table, unit, folder)
    return table


def _log_table(table: pd.DataFrame, unit: str, folder: Path) -> None:
    import mlflow

    path = folder / "mean_abs_shap.csv"
    table.assign(unit=unit).to_csv(path, index=False)
    mlflow.log_artifact(str(path), ARTIFACT_DIR)
    mlflow.log_metrics(
        {f"explain.mean_abs.{row.feature}": float(row.mean_abs) for row in table.itertuples()}
    )


# Holdout series explained for the plot and table (a seeded sample of whole series: each
# series is explained against its own reference, whose set-up costs more than its 14 rows).
SALES_SAMPLE_SERIES = 30
CHURN_SAMPLE_MEMBERS = 1000
TRAFFIC_STEPS = 8  # integrated-gradient steps: enough for a summary, half the nightly cost


def _guarded(model_name: str, explain: Any) -> dict[str, Any]:
    """A summary that cannot be made must not keep a trained model from its promotion: the run
    gets a tag saying why, and the task log the traceback."""
    import mlflow

    began = time.monotonic()
    try:
        explain()
    except Exception as error:  # a failed explanation must not stop the training
        log.exception("%s: no explanation summary", model_name)
        mlflow.set_tag("nightshift.explanations_error", f"{type(error).__name__}: {error}"[:500])
        return {"explain_summary_error": f"{type(error).__name__}: {error}"[:500]}
    return {"explain_summary_s": round(time.monotonic() - began, 2)}


def log_sales_summary(forecaster: Any, inputs: Any, origin: pd.Timestamp) -> dict[str, Any]:
    """SHAP summary of the sales forest on the holdout forecast rows of a seeded sample of
    series."""
    from models.sales.explain import explain_rows

    def explain() -> None:
        rows = forecaster.horizon_rows(origin, inputs)
        series = np.unique(rows.keys["series"].to_numpy())
        chosen = np.random.default_rng(0).choice(
            series, min(len(series), SALES_SAMPLE_SERIES), replace=False
        )
        picked = np.flatnonzero(np.isin(rows.keys["series"].to_numpy(), chosen))
        explanation = explain_rows(forecaster, rows.subset(picked))
        log_shap_summary(
            "sales_rf", explanation.feature_names, explanation.values,
            explanation.contributions, "PEN",
        )  # fmt: skip

    return _guarded("sales_rf", explain)


def log_churn_summary(model: Any, features: pd.DataFrame) -> dict[str, Any]:
    """SHAP summary of the churn model on a seeded sample of its holdout members."""
    from models.loyalty.explain import explain_members

    def explain() -> None:
        picked = np.sort(
            np.random.default_rng(0).choice(
                len(features), min(len(features), CHURN_SAMPLE_MEMBERS), replace=False
            )
        )
        explanation = explain_members(model, features.iloc[picked])
        log_shap_summary(
            "customer_churn", explanation.feature_names, explanation.values,
            explanation.contributions, "log-odds of not returning",
        )  # fmt: skip

    return _guarded("customer_churn", explain)


def log_traffic_summary(
    forecaster: Any, history: pd.DataFrame, origin: pd.Timestamp
) -> dict[str, Any]:
    """Attribution summary of the traffic network on its holdout week (the observed inputs of
    the horizon standing in for tonight's forecasts of them, as in its evaluation)."""
    from models.traffic.attribution import attribute_days

    def explain() -> None:
        ahead = history[history["ts"] >= origin].drop(columns="count")
        attribution = attribute_days(
            forecaster, history[history["ts"] < origin], ahead, origin, n_steps=TRAFFIC_STEPS
        )
        log_attribution_summary("traffic_rnn", attribution.table, "visitors")

    return _guarded("traffic_rnn", explain)
