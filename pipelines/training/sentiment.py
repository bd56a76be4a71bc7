"""Nightly training of the review-sentiment classifier (``review_sentiment``).

The challenger is fine-tuned from the champion's weights on recent reviews (a cold start from
the configured backbone when there is no champion, or with ``full``), and scored with the
champion on the same holdout: the reviews of the last two weeks, labelled by their ratings.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from pipelines.errors import NightshiftError
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

MODEL_NAME = "review_sentiment"
HISTORY_DAYS = 365
HOLDOUT_DAYS = 14
# Scoring two models on every holdout review would dominate the night for a large chain; a
# seeded sample of this size estimates macro-F1 within about +-0.02.
HOLDOUT_MAX_REVIEWS = 600
# A warm start only needs the newest reviews: the champion already knows the older ones.
WARM_DAYS = 28
WARM_MAX_EXAMPLES = 400
MIN_TRAIN_REVIEWS = 30


class SentimentScorer:
    """What inference needs: class probabilities for review texts. The registry stores the
    fine-tuned encoder as a Hugging Face directory (safetensors; see mlflow_models)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def predict_frame(self, reviews: pd.DataFrame) -> pd.DataFrame:
        from models.loyalty.labels import CLASS_NAMES

        proba = self.model.predict_proba(reviews["text"].astype(str).tolist())
        return pd.DataFrame(proba, columns=[f"p_{name}" for name in CLASS_NAMES])


def load_reviews(engine: Engine, window: RunWindow) -> pd.DataFrame:
    params = {
        "first": window.business_date - timedelta(days=HISTORY_DAYS),
        "last": window.business_date,
    }
    with engine.connect() as conn:
        return pd.read_sql(sql("loyalty/reviews_labelled"), conn, params=params)


def split(reviews: pd.DataFrame, window: RunWindow) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, holdout): the holdout is the last HOLDOUT_DAYS business days, sampled."""
    start = pd.Timestamp(window.business_date - timedelta(days=HOLDOUT_DAYS - 1))
    ts = pd.to_datetime(reviews["ts"])
    train, holdout = reviews[ts < start], reviews[ts >= start]
    if len(holdout) > HOLDOUT_MAX_REVIEWS:
        holdout = holdout.sample(HOLDOUT_MAX_REVIEWS, random_state=0).sort_index()
    return train, holdout


def evaluate(model: Any, holdout: pd.DataFrame) -> dict[str, Any]:
    from models.loyalty.labels import ratings_to_labels
    from models.loyalty.metrics import classification_report

    proba = model.predict_proba(holdout["text"].astype(str).tolist())
    report = classification_report(ratings_to_labels(holdout["rating"]), proba.argmax(axis=1))
    return {
        "holdout_macro_f1": report.macro_f1,
        "holdout_accuracy": report.accuracy,
        **{f"holdout_f1_{name}": value for name, value in report.per_class_f1.items()},
        "holdout_reviews": float(report.support),
        "confusion": report.confusion,
    }


def _config(settings: Settings, warm: bool) -> Any:
    from models.loyalty.sentiment_config import SentimentConfig

    config = SentimentConfig(
        backbone=settings.sentiment_backbone,
        device=settings.train_device,
        max_train_examples=settings.sentiment_train_examples,
    )
    if warm:
        cap = min(WARM_MAX_EXAMPLES, settings.sentiment_train_examples)
        return replace(config, epochs=1, max_train_examples=cap)
    return config


def train(
    engine: Engine, settings: Settings, window: RunWindow, full: bool = False
) -> dict[str, Any]:
    from models.loyalty.labels import CLASS_NAMES, ratings_to_labels
    from models.loyalty.sentiment import fine_tune
    from pipelines.tracking import configure_mlflow
    from pipelines.training import promotion
    from pipelines.training.baselines import announce, majority_class_macro_f1
    from pipelines.training.fingerprint import code_fingerprint
    from pipelines.training.mlflow_models import PIP_REQUIREMENTS, log_model, try_load
    from pipelines.training.reuse import data_fingerprint, reuse_existing
    from pipelines.training.runs import plot_confusion, training_run
    from pipelines.training.serving import baseline_version

    configure_mlflow(settings)
    first = window.business_date - timedelta(days=HISTORY_DAYS)
    fingerprint = data_fingerprint(
        engine,
        first,
        window.business_date,
        asdict(_config(settings, warm=False)) | {"device": None},  # its kind: in the code's
        code_fingerprint(MODEL_NAME, settings.train_device),
    )
    if not full:
        reused = reuse_existing(engine, settings, window, MODEL_NAME,
                                    "holdout_macro_f1", True, fingerprint)  # fmt: skip
        if reused:
            return reused
    reviews = load_reviews(engine, window)
    train_set, holdout = split(reviews, window)
    if len(train_set) < MIN_TRAIN_REVIEWS or holdout.empty:
        raise NightshiftError(
            f"{MODEL_NAME}: {len(train_set)} reviews before the holdout and {len(holdout)} in "
            f"it; needs {MIN_TRAIN_REVIEWS}+ and some: load more history (nightshift ingest)"
        )
    baseline = baseline_version(engine, MODEL_NAME, window)
    loaded, unreadable = try_load(MODEL_NAME, baseline)
    champion = loaded[0].model if loaded else None
    # A full retrain starts from the backbone but must still beat the champion to replace it.
    warm = champion is not None and not full
    config = _config(settings, warm)
    if warm:
        recent_from = pd.Timestamp(window.business_date - timedelta(days=HOLDOUT_DAYS + WARM_DAYS))
        train_set = train_set[pd.to_datetime(train_set["ts"]) >= recent_from]
    with (
        tempfile.TemporaryDirectory() as tmp,
        training_run(MODEL_NAME, window, fingerprint, full) as run,
    ):
        init_from = champion.save(Path(tmp) / "champion") if warm and champion else None
        challenger = fine_tune(
            train_set["text"].astype(str).tolist(),
            ratings_to_labels(train_set["rating"]),
            config,
            init_from=init_from,
        )
        scores = evaluate(challenger, holdout)
        majority = majority_class_macro_f1(
            ratings_to_labels(train_set["rating"]), ratings_to_labels(holdout["rating"])
        )
        scores["holdout_majority_class_macro_f1"] = majority.score
        champion_scores = evaluate(champion, holdout) if champion is not None else None
        mlflow.log_params(asdict(config) | {"warm_start": warm, "train_reviews": len(train_set)})
        mlflow.log_dict(
            {"first": str(window.business_date - timedelta(days=HISTORY_DAYS)),
             "last": str(window.business_date), "holdout_reviews": len(holdout),
             "holdout_from": str(window.business_date - timedelta(days=HOLDOUT_DAYS - 1))},
            "data_window.json",
        )  # fmt: skip
        mlflow.log_metrics({k: float(v) for k, v in scores.items() if k != "confusion"})
        if champion_scores:
            mlflow.log_metric("champion_holdout_macro_f1", champion_scores["holdout_macro_f1"])
        labels = list(CLASS_NAMES)
        mlflow.log_dict(
            {"labels": labels, "matrix": np.asarray(scores["confusion"]).tolist()},
            "confusion_matrix.json",
        )
        plot_confusion(scores["confusion"], labels, f"{tmp}/confusion_matrix.png",
                       f"{MODEL_NAME}: holdout confusion")  # fmt: skip
        mlflow.log_artifact(f"{tmp}/confusion_matrix.png", "plots")
        example = holdout[["text"]].head(5).reset_index(drop=True)
        scorer = SentimentScorer(challenger)
        uri = log_model(scorer, "model", example, scorer.predict_frame(example),
                        pip_requirements=[*PIP_REQUIREMENTS, "transformers"])  # fmt: skip
        decision, version = promotion.settle(
            engine, window.business_date, MODEL_NAME, "holdout_macro_f1", scores,
            champion_scores, settings.promotion_margin, run.info.run_id, uri,
            unreadable, higher_is_better=True,
            baseline=baseline, backfill=window.backfill, simple_baseline=majority,
        )  # fmt: skip
    return {
        "mlflow_run_id": run.info.run_id,
        "version": version,
        "promoted": decision.promoted,
        "warm_start": warm,
        "holdout_macro_f1": round(scores["holdout_macro_f1"], 4),
    } | announce(settings, window.business_date, decision)
