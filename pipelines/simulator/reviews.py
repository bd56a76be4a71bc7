"""Which visits produce a review, with what rating, theme, language and text.

A visit's experience = the store's quality + luck - waiting (understaffed hour) - price level
+ a discount. Ratings follow the experience; unhappy and delighted customers write more often.
The text is written in the tone of the rating's class, except for a few reviews whose text
disagrees mildly with their stars.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from pipelines.simulator.textgen import ASPECTS, ReviewPlan, compose

RATING_CUTS = np.array([-1.45, -0.95, -0.3, 0.55])  # experience -> 1..5 stars
MEMBER_REVIEW_PROBABILITY = 0.07
ANONYMOUS_REVIEW_PROBABILITY = 0.012
ENGLISH_SHARE = 0.30
DISAGREEMENT_SHARE = 0.08


@dataclass(frozen=True)
class Experience:
    """Per ticket: how the visit went."""

    score: np.ndarray
    rating: np.ndarray  # 1..5, what the customer would give
    cause: np.ndarray  # object array: the aspect that mattered most


def experience(
    quality: np.ndarray,
    price_index: np.ndarray,
    weakness: np.ndarray,
    understaffed: np.ndarray,
    overload: np.ndarray,
    discounted: np.ndarray,
    rng: np.random.Generator,
) -> Experience:
    """Arrays are per ticket; ``overload`` = visitors per staff / threshold (1 = at threshold)."""
    n = len(quality)
    wait_penalty = np.where(understaffed, 0.7 + 0.6 * np.minimum(overload - 1, 1.5), 0.0)
    price_penalty = 3.0 * np.maximum(price_index - 1.0, 0.0)
    score = (
        0.35
        + 0.8 * quality
        + rng.normal(0, 0.75, n)
        - wait_penalty
        - price_penalty
        + 0.3 * discounted
    )
    rating = 1 + np.searchsorted(RATING_CUTS, score)
    random_aspect = rng.choice(np.array(ASPECTS, dtype=object), n)
    cause = np.where(rng.random(n) < 0.55, weakness, random_aspect)
    cause = np.where(
        understaffed & (rng.random(n) < 0.85),
        np.where(rng.random(n) < 0.6, "espera", "atencion"),
        cause,
    )
    return Experience(score=score, rating=rating, cause=cause.astype(object))


def review_mask(rating: np.ndarray, is_member: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.where(is_member, MEMBER_REVIEW_PROBABILITY, ANONYMOUS_REVIEW_PROBABILITY)
    extremes = np.select([rating <= 2, rating == 5], [2.0, 1.3], 1.0)
    return rng.random(len(rating)) < base * extremes


def tone_of(rating: int) -> str:
    return "neg" if rating <= 2 else ("meh" if rating == 3 else "pos")


def write_texts(
    ratings: np.ndarray,
    causes: np.ndarray,
    families: np.ndarray,
    rng: np.random.Generator,
) -> tuple[list[str], list[str]]:
    """(language, text) per review."""
    text_rng = random.Random(int(rng.integers(2**63)))
    languages, texts = [], []
    for rating, cause, family in zip(ratings, causes, families, strict=True):
        language = "en" if text_rng.random() < ENGLISH_SHARE else "es"
        tone = tone_of(int(rating))
        contrary = False
        if text_rng.random() < DISAGREEMENT_SHARE:
            if text_rng.random() < 0.5:  # the text reads one class off
                tone = "meh" if tone != "meh" else text_rng.choice(["pos", "neg"])
            else:  # e.g. four stars with a complaint
                contrary = True
        theme = str(cause) if tone != "pos" else text_rng.choice(ASPECTS)
        plan = ReviewPlan(language, tone, theme, contrary, str(family))
        languages.append(language)
        texts.append(compose(plan, text_rng))
    return languages, texts
