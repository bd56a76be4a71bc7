"""Evaluate both loyalty models on a simulator landing directory, split by time.

    python -m models.loyalty.evaluate --landing /tmp/loyalty_sim [--save-model DIR]

Sentiment: fine-tune on reviews before the last ``--test-weeks`` weeks, score those weeks.
Churn: train on cutoffs every two weeks whose 30-day horizons end before the test cutoff, test
on the latest cutoff whose horizon the data fully covers. Prints one JSON report.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.loyalty.churn import ChurnModel
from models.loyalty.churn_features import (
    HORIZON_DAYS,
    ProbabilityScorer,
    churn_dataset,
    score_reviews,
)
from models.loyalty.labels import ratings_to_labels
from models.loyalty.landing import load_reviews, load_tickets
from models.loyalty.metrics import churn_report, classification_report
from models.loyalty.sentiment_config import SentimentConfig

CUTOFF_STEP_DAYS = 14
# A train cutoff needs this much history before it for its features to mean anything.
MIN_HISTORY_DAYS = 28
RECENT_SUBSET_DAYS = 90


def split_by_time(reviews: pd.DataFrame, test_weeks: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): test = reviews from the last ``test_weeks`` whole weeks of data."""
    split = reviews["ts"].max().normalize() - pd.Timedelta(weeks=test_weeks)
    return reviews[reviews["ts"] < split], reviews[reviews["ts"] >= split]


def evaluate_sentiment(
    reviews: pd.DataFrame, config: SentimentConfig, test_weeks: int
) -> tuple[dict[str, Any], Any]:
    """(report, fitted SentimentModel)."""
    from models.loyalty.sentiment import fine_tune

    train, test = split_by_time(reviews, test_weeks)
    cpu_began = time.process_time()
    model = fine_tune(train["text"].tolist(), ratings_to_labels(train["rating"]), config)
    train_cpu = time.process_time() - cpu_began
    began = time.perf_counter()
    proba = model.predict_proba(test["text"].tolist())
    scoring_seconds = time.perf_counter() - began
    report = classification_report(ratings_to_labels(test["rating"]), proba.argmax(axis=1))
    by_language = {
        language: classification_report(
            ratings_to_labels(test.loc[rows, "rating"]), proba[rows.to_numpy()].argmax(axis=1)
        ).macro_f1
        for language, rows in ((lang, test["language"] == lang) for lang in ("es", "en"))
    }
    return {
        "train_reviews_available": len(train),
        "test_reviews": len(test),
        "test_from": str(test["ts"].min()),
        "fine_tune": asdict(model.report) if model.report else None,
        "fine_tune_cpu_seconds": train_cpu,
        "scoring_reviews_per_second": len(test) / scoring_seconds,
        "metrics": report.as_dict(),
        "macro_f1_by_language": by_language,
    }, model


def churn_cutoffs(first_day: date, last_day: date, horizon_days: int) -> tuple[list[date], date]:
    """(train cutoffs, test cutoff) for data covering ``first_day``..``last_day``."""
    test_cutoff = last_day - timedelta(days=horizon_days - 1)
    cutoff, train = test_cutoff - timedelta(days=horizon_days), []
    while cutoff >= first_day + timedelta(days=MIN_HISTORY_DAYS):
        train.append(cutoff)
        cutoff -= timedelta(days=CUTOFF_STEP_DAYS)
    return sorted(train), test_cutoff


def evaluate_churn(
    tickets: pd.DataFrame,
    reviews: pd.DataFrame,
    sentiment_model: ProbabilityScorer | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> dict[str, Any]:
    first_day, last_day = tickets["ts"].min().date(), tickets["ts"].max().date()
    train_cutoffs, test_cutoff = churn_cutoffs(first_day, last_day, horizon_days)
    if not train_cutoffs:
        raise ValueError(f"{first_day}..{last_day} is too short to train and test churn")
    began = time.perf_counter()
    scored = score_reviews(reviews, sentiment_model)
    features, labels = churn_dataset(tickets, scored, train_cutoffs, horizon_days, last_day)
    test_features, test_labels = churn_dataset(
        tickets, scored, [test_cutoff], horizon_days, last_day
    )
    model = ChurnModel().fit(features, labels)
    p_return = model.predict_proba(test_features).to_numpy()
    report = churn_report(test_labels.to_numpy(), p_return)
    # Long-gone customers are easy to call; the customers still around are the ones to act on.
    recent = (test_features["recency_days"] <= RECENT_SUBSET_DAYS).to_numpy()
    recent_report = churn_report(test_labels.to_numpy()[recent], p_return[recent])
    return {
        "sentiment_source": "model" if sentiment_model is not None else "rating",
        "train_cutoffs": [str(c) for c in train_cutoffs],
        "train_rows": len(labels),
        "train_return_rate": float(labels.mean()),
        "test_cutoff": str(test_cutoff),
        "seconds": time.perf_counter() - began,
        **report.as_dict(),
        f"visited_last_{RECENT_SUBSET_DAYS}d": recent_report.as_dict(),
        "calibration": report.calibration.round(4).to_dict(orient="records"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--test-weeks", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    parser.add_argument("--skip-sentiment", action="store_true", help="churn from ratings only")
    parser.add_argument("--save-model", type=Path, help="where to save the sentiment model")
    args = parser.parse_args(argv)

    reviews = load_reviews(args.landing)
    tickets = load_tickets(args.landing)
    result: dict[str, Any] = {"landing": str(args.landing), "reviews": len(reviews)}
    result["churn_by_rating"] = evaluate_churn(tickets, reviews)
    if not args.skip_sentiment:
        import torch

        torch.set_num_threads(args.threads)
        result["sentiment"], model = evaluate_sentiment(reviews, SentimentConfig(), args.test_weeks)
        if args.save_model:
            model.save(args.save_model)
        result["churn_by_model_sentiment"] = evaluate_churn(tickets, reviews, model)
    print(json.dumps(result, indent=2, default=_plain))


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else str(value)


if __name__ == "__main__":
    main()
