"""Nightly training of the churn classifier (``customer_churn``) and its inputs.

Examples are (customer, cutoff) pairs: features from everything before the cutoff, label = the
customer came back within 30 days. The challenger trains on recent cutoffs whose 30 days are
fully observed; challenger and champion are scored on the latest such cutoff (ROC AUC).
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from pipelines.errors import NightshiftError
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

MODEL_NAME = "customer_churn"
HISTORY_DAYS = 400  # a year of features behind the oldest training cutoff we use
# Recent cutoffs say most about next month; older ones mostly cost feature-building time.
MAX_TRAIN_CUTOFFS = 8
CUTOFF_STEP_DAYS = 14
MIN_FEATURE_DAYS = 14  # visits behind a training cutoff for its features to mean anything
# Reviews this recent count with the sentiment model's score, older ones by their stars. At
# most pipelines.stages.loyalty.SCORING_BACKLOG_DAYS: each night scores that far back.
MODEL_SENTIMENT_DAYS = 30


class ChurnScorer:
    """What inference needs: P(returns within 30 days) from churn feature rows."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def predict_frame(self, features: pd.DataFrame) -> pd.DataFrame:
        return self.model.predict_proba(features).to_frame("p_return_30d")


def load_members(engine: Engine, last: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(visits, reviews) of loyalty members up to ``last``; reviews carry the sentiment model's
    score where the review has been scored (``model_sentiment``, ``model_negative``)."""
    params = {"first": last - timedelta(days=HISTORY_DAYS), "last": last}
    with engine.connect() as conn:
        visits = pd.read_sql(sql("loyalty/member_visits"), conn, params=params)
        reviews = pd.read_sql(sql("loyalty/member_reviews"), conn, params=params)
    visits["ts"] = pd.to_datetime(visits["ts"])
    reviews["ts"] = pd.to_datetime(reviews["ts"])
    reviews["model_sentiment"] = pd.to_numeric(reviews["model_sentiment"])
    return visits, reviews


def reviews_at(reviews: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """Reviews with the ``sentiment``/``negative`` the churn features use at ``cutoff``: the
    sentiment model's for the MODEL_SENTIMENT_DAYS before it, the star rating's for older ones.

    Every night scores that many days of reviews (its backlog), so they are always scored;
    older reviews were scored only if some earlier night happened to reach them. Using their
    stars keeps the features independent of which nights ran before (re-runs reproduce)."""
    from models.loyalty.labels import rating_sentiment_scores

    recent = reviews["ts"] >= pd.Timestamp(cutoff) - pd.Timedelta(days=MODEL_SENTIMENT_DAYS)
    by_rating = pd.Series(rating_sentiment_scores(reviews["rating"]), index=reviews.index)
    sentiment = reviews["model_sentiment"].where(recent).fillna(by_rating)
    model_negative = reviews["model_negative"].astype("boolean").where(recent)
    negative = model_negative.fillna(reviews["rating"] <= 2).astype(bool)
    return reviews.assign(sentiment=sentiment, negative=negative)


def member_dataset(
    visits: pd.DataFrame, reviews: pd.DataFrame, cutoffs: list[date], last: date
) -> tuple[pd.DataFrame, pd.Series]:
    """Features and labels of ``cutoffs`` stacked, each cutoff with its own review sentiment."""
    from models.loyalty.churn_features import HORIZON_DAYS, churn_dataset

    parts = [
        churn_dataset(visits, reviews_at(reviews, cutoff), [cutoff], HORIZON_DAYS, last)
        for cutoff in cutoffs
    ]
    return pd.concat([f for f, _ in parts]), pd.concat([y for _, y in parts])


class NotEnoughHistory(NightshiftError):
    """Too few days of member visits to train and test the churn model (a new deployment)."""


def cutoffs(visits: pd.DataFrame, last: date) -> tuple[list[date], date]:
    """(training cutoffs, holdout cutoff): the holdout's 30 days end on ``last``; training
    cutoffs every two weeks before it, each with its 30 days ending before the holdout starts
    (no label leaks into training) and at least MIN_FEATURE_DAYS of visits behind it."""
    from models.loyalty.churn_features import HORIZON_DAYS

    if visits.empty:
        raise NotEnoughHistory(f"{MODEL_NAME}: no member visits up to {last}")
    first = visits["ts"].min().date()
    test = last - timedelta(days=HORIZON_DAYS - 1)
    cutoff, train = test - timedelta(days=HORIZON_DAYS), list[date]()
    while cutoff >= first + timedelta(days=MIN_FEATURE_DAYS) and len(train) < MAX_TRAIN_CUTOFFS:
        train.append(cutoff)
        cutoff -= timedelta(days=CUTOFF_STEP_DAYS)
    if not train:
        needed = 2 * HORIZON_DAYS + MIN_FEATURE_DAYS - 1
        raise NotEnoughHistory(
            f"{MODEL_NAME}: member visits from {first} to {last} are too short to train and "
            f"test (needs {needed} days); load more history (nightshift ingest)"
        )
    return sorted(train), test


def evaluate(model: Any, features: pd.DataFrame, labels: pd.Series) -> dict[str, Any]:
    from models.loyalty.metrics import churn_report

    report = churn_report(labels.to_numpy(), model.predict_proba(features).to_numpy())
    return {
        "holdout_roc_auc": report.roc_auc,
        "holdout_brier": report.brier,
        "holdout_return_rate": report.base_rate,
        "holdout_customers": float(report.rows),
        "calibration": report.calibration,
    }


def _plot_calibration(table: pd.DataFrame, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    filled = table[table["count"] > 0]
    figure, axis = plt.subplots(figsize=(4.5, 4))
    axis.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect")
    axis.plot(filled["mean_predicted"], filled["observed_rate"], marker="o", label="model")
    axis.set_xlabel("predicted P(return in 30 days)")
    axis.set_ylabel("observed return rate")
    axis.set_title(f"{MODEL_NAME}: holdout calibration")
    axis.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def train(
    engine: Engine, settings: Settings, window: RunWindow, full: bool = False
) -> dict[str, Any]:
    import mlflow

    from models.loyalty.churn import ChurnConfig, ChurnModel
    from pipelines.explanations.mlflow_summary import log_churn_summary
    from pipelines.tracking import configure_mlflow
    from pipelines.training import promotion
    from pipelines.training.baselines import announce, churn_baselines
    from pipelines.training.fingerprint import code_fingerprint
    from pipelines.training.mlflow_models import log_model, try_load
    from pipelines.training.reuse import data_fingerprint, reuse_existing
    from pipelines.training.runs import training_run
    from pipelines.training.serving import baseline_version

    configure_mlflow(settings)
    last = window.business_date
    config = ChurnConfig()
    fingerprint = data_fingerprint(engine, last - timedelta(days=HISTORY_DAYS), last,
                                   asdict(config) | {"cutoffs": MAX_TRAIN_CUTOFFS,
                                   "model_sentiment_days": MODEL_SENTIMENT_DAYS},
                                   code_fingerprint(MODEL_NAME))  # fmt: skip
    if not full:
        reused = reuse_existing(
            engine, settings, window, MODEL_NAME, "holdout_roc_auc", True, fingerprint
        )
        if reused:
            return reused
    visits, reviews = load_members(engine, last)
    try:
        train_cutoffs, test_cutoff = cutoffs(visits, last)
    except NotEnoughHistory as reason:
        # A young deployment: no churn model yet is normal, not a failed night.
        return {"skipped": str(reason)}
    features, labels = member_dataset(visits, reviews, train_cutoffs, last)
    test_features, test_labels = member_dataset(visits, reviews, [test_cutoff], last)
    if labels.nunique() < 2 or test_labels.nunique() < 2:
        raise NightshiftError(
            f"{MODEL_NAME}: every member either returned or churned in the training window; "
            "there is nothing to learn yet"
        )
    baseline = baseline_version(engine, MODEL_NAME, window)
    loaded, unreadable = try_load(MODEL_NAME, baseline)
    champion = loaded[0].model if loaded else None
    with training_run(MODEL_NAME, window, fingerprint, full) as run:
        challenger = ChurnModel(config).fit(features, labels)
        scores = evaluate(challenger, test_features, test_labels)
        chance, recency = churn_baselines(test_labels, test_features["recency_days"])
        scores |= {f"holdout_{b.name}_roc_auc": b.score for b in (chance, recency)}
        champion_scores = (
            evaluate(champion, test_features, test_labels) if champion is not None else None
        )
        mlflow.log_params(challenger.params() | {"train_cutoffs": len(train_cutoffs)})
        mlflow.log_dict(
            {"first_visit": str(visits["ts"].min()), "last": str(last),
             "train_cutoffs": [str(c) for c in train_cutoffs], "holdout_cutoff": str(test_cutoff),
             "training_rows": len(labels)},
            "data_window.json",
        )  # fmt: skip
        mlflow.log_metrics({k: float(v) for k, v in scores.items() if k != "calibration"})
        if champion_scores:
            mlflow.log_metric("champion_holdout_roc_auc", champion_scores["holdout_roc_auc"])
        mlflow.log_dict(scores["calibration"].round(4).to_dict(orient="records"),
                        "calibration.json")  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            _plot_calibration(scores["calibration"], f"{tmp}/calibration.png")
            mlflow.log_artifact(f"{tmp}/calibration.png", "plots")
        explained = log_churn_summary(challenger, test_features)  # SHAP plot + table
        example = test_features.head(5).reset_index(drop=True)
        scorer = ChurnScorer(challenger)
        uri = log_model(scorer, "model", example, scorer.predict_frame(example))
        decision, version = promotion.settle(
            engine, last, MODEL_NAME, "holdout_roc_auc", scores, champion_scores,
            settings.promotion_margin, run.info.run_id, uri, unreadable, higher_is_better=True,
            baseline=baseline, backfill=window.backfill,
            simple_baseline=chance,
        )  # fmt: skip
    return (
        {
            "mlflow_run_id": run.info.run_id,
            "version": version,
            "promoted": decision.promoted,
            "holdout_roc_auc": round(float(np.nan_to_num(scores["holdout_roc_auc"])), 4),
        }
        | announce(settings, last, decision)
        | explained
    )
