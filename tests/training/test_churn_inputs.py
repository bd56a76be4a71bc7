"""Which (customer, cutoff) examples the churn model trains and is judged on, and which review
sentiment their features see."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pandas as pd
import pytest

from pipelines.stages.loyalty import SCORING_BACKLOG_DAYS
from pipelines.training.churn import (
    CUTOFF_STEP_DAYS,
    MAX_TRAIN_CUTOFFS,
    MODEL_SENTIMENT_DAYS,
    NotEnoughHistory,
    cutoffs,
    reviews_at,
)

LAST = date(2026, 11, 21)


def _visits(first: date) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C1", "C2"], "ts": pd.to_datetime([first, LAST])})


def test_no_training_label_reaches_into_the_holdout() -> None:
    train, holdout = cutoffs(_visits(LAST - timedelta(days=400)), LAST)
    assert holdout == LAST - timedelta(days=29)  # its 30 days end on the business date
    assert all(cutoff + timedelta(days=30) <= holdout for cutoff in train)
    assert len(train) == MAX_TRAIN_CUTOFFS  # recent cutoffs only
    assert all((b - a).days == CUTOFF_STEP_DAYS for a, b in itertools.pairwise(train))


def test_a_young_deployment_is_told_how_much_history_it_needs() -> None:
    with pytest.raises(NotEnoughHistory, match="needs 73 days"):
        cutoffs(_visits(LAST - timedelta(days=60)), LAST)
    train, _ = cutoffs(_visits(LAST - timedelta(days=73)), LAST)
    assert len(train) == 1


def test_recent_reviews_count_by_their_text_older_ones_by_their_stars() -> None:
    cutoff = LAST + timedelta(days=1)
    reviews = pd.DataFrame(
        {
            "customer_id": ["C1"] * 4,
            # 29 and 5 days before the cutoff (scored, unscored), then 30 and 200 (both scored).
            "ts": pd.to_datetime([cutoff - timedelta(days=d) for d in (29, 5, 31, 200)]),
            "rating": [5, 1, 5, 1],
            "model_sentiment": [-0.9, None, -0.8, 0.7],
            "model_negative": [True, None, True, False],
        }
    )
    seen = reviews_at(reviews, cutoff)
    assert seen["sentiment"].tolist() == [-0.9, -1.0, 1.0, -1.0]
    assert seen["negative"].tolist() == [True, True, False, True]
    # Scoring an old review (a backfilled night reaches further back) changes nothing.
    rescored = reviews.assign(model_sentiment=[-0.9, None, 0.5, -0.5])
    pd.testing.assert_frame_equal(reviews_at(rescored, cutoff)[["sentiment", "negative"]],
                                  seen[["sentiment", "negative"]])  # fmt: skip


def test_every_review_the_features_read_by_text_was_scored_by_the_night() -> None:
    assert MODEL_SENTIMENT_DAYS <= SCORING_BACKLOG_DAYS
