"""Sentiment classes and how star ratings and class probabilities map onto them."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2
CLASS_NAMES: tuple[str, ...] = ("negative", "neutral", "positive")
# Score of each class on the -1..1 sentiment scale: what a fully confident model gives.
CLASS_SCORES = np.array([-1.0, 0.0, 1.0])


def rating_to_label(rating: int) -> int:
    """1-2 stars -> negative (0), 3 -> neutral (1), 4-5 -> positive (2)."""
    if not 1 <= rating <= 5:
        raise ValueError(f"ratings go from 1 to 5, got {rating}")
    if rating <= 2:
        return NEGATIVE
    return NEUTRAL if rating == 3 else POSITIVE


def ratings_to_labels(ratings: Iterable[int]) -> np.ndarray:
    return np.array([rating_to_label(int(r)) for r in ratings], dtype=np.int64)


def sentiment_scores(proba: np.ndarray) -> np.ndarray:
    """P(positive) - P(negative) per row of an (n, 3) probability matrix, in -1..1."""
    return proba[:, POSITIVE] - proba[:, NEGATIVE]


def rating_sentiment_scores(ratings: Iterable[int]) -> np.ndarray:
    """The score a perfect model would give each rating's class (-1, 0 or 1)."""
    return CLASS_SCORES[ratings_to_labels(ratings)]
