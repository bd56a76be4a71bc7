"""Per-customer churn features and labels at a cutoff date (pandas only, no model code).

Inputs are plain frames: ``tickets`` one row per ticket (= one visit) with customer_id, ts and
amount; ``reviews`` with customer_id, ts, rating and text. ``ts`` is naive local time (the
warehouse's ts_local), so days are the stores' business days. Rows without a customer_id are
ignored. Only rows strictly before the cutoff (``ts < cutoff 00:00``) shape the features, so a
cutoff's features never see its label window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Protocol

import numpy as np
import pandas as pd

from models.loyalty.labels import NEGATIVE, rating_sentiment_scores, sentiment_scores

HORIZON_DAYS = 30
RECENT_DAYS = 30
QUARTER_DAYS = 90
FEATURE_NAMES = (
    "recency_days",
    "tenure_days",
    "visits_total",
    "visits_90d",
    "visits_30d",
    "spend_total",
    "spend_mean",
    "gap_mean",
    "gap_std",
    "last_gap_ratio",
    "overdue_ratio",
    "reviews_total",
    "sentiment_mean",
    "sentiment_trend",
    "complaints_total",
    "complaints_90d",
    "days_since_complaint",
)


class ProbabilityScorer(Protocol):
    """What churn features need from a sentiment model (e.g. ``SentimentModel``)."""

    def predict_proba(self, texts: Sequence[str], batch_size: int = ...) -> np.ndarray: ...


def score_reviews(reviews: pd.DataFrame, model: ProbabilityScorer | None = None) -> pd.DataFrame:
    """``reviews`` plus ``sentiment`` (P(positive) - P(negative), in -1..1) and ``negative``
    (the review is a complaint). Without a model both follow the star rating.

    Score once, then reuse the result for every cutoff: model scoring is the costly part.
    """
    if model is None:
        scores = rating_sentiment_scores(reviews["rating"])
        negative = reviews["rating"].to_numpy() <= 2
    else:
        proba = model.predict_proba(reviews["text"].astype(str).tolist())
        scores, negative = sentiment_scores(proba), proba.argmax(axis=1) == NEGATIVE
    return reviews.assign(sentiment=scores, negative=negative)


def _scored(reviews: pd.DataFrame, model: ProbabilityScorer | None) -> pd.DataFrame:
    """Reviews with sentiment columns: scored earlier (kept), by ``model``, or by rating."""
    if model is None and {"sentiment", "negative"} <= set(reviews.columns):
        return reviews
    return score_reviews(reviews, model)


def _timestamps(frame: pd.DataFrame) -> pd.Series:
    ts = pd.to_datetime(frame["ts"])
    if ts.dt.tz is not None:  # UTC instants would shift visits across local business days
        raise ValueError("pass naive local timestamps (e.g. ts_local), not timezone-aware ones")
    return ts


def _before(frame: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    ts = _timestamps(frame)
    keep = frame["customer_id"].notna() & (ts < cutoff)
    return frame.loc[keep].assign(ts=ts[keep])


def _days_before(ts: pd.Series, cutoff: pd.Timestamp) -> pd.Series:
    """Whole days from the event's date to the cutoff date: 1 = the day before the cutoff."""
    return (cutoff - ts.dt.normalize()).dt.days


def _visit_features(tickets: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    days_before = _days_before(tickets["ts"], cutoff)
    days = tickets.assign(
        days_before=days_before,
        in_90d=days_before <= QUARTER_DAYS,
        in_30d=days_before <= RECENT_DAYS,
    )
    by_customer = days.groupby("customer_id")
    features = pd.DataFrame(
        {
            "recency_days": by_customer["days_before"].min(),
            "tenure_days": by_customer["days_before"].max(),
            "visits_total": by_customer.size(),
            "visits_90d": by_customer["in_90d"].sum(),
            "visits_30d": by_customer["in_30d"].sum(),
            "spend_total": by_customer["amount"].sum(),
            "spend_mean": by_customer["amount"].mean(),
        }
    )
    # Gaps between distinct visit days: two tickets on one day are one outing, and zero-day
    # gaps would drag the habitual gap down.
    visit_days = days[["customer_id", "days_before"]].drop_duplicates()
    visit_days = visit_days.sort_values(["customer_id", "days_before"], ascending=[True, False])
    visit_days["gap"] = -visit_days.groupby("customer_id")["days_before"].diff()
    gaps = visit_days.dropna(subset=["gap"]).groupby("customer_id")["gap"]
    features["gap_mean"] = gaps.mean()
    features["gap_std"] = gaps.std(ddof=0)
    # Beyond 1 the customer is drifting away from their own rhythm (NaN with a single visit day).
    features["last_gap_ratio"] = gaps.last() / features["gap_mean"]
    features["overdue_ratio"] = features["recency_days"] / features["gap_mean"]
    return features


def _review_features(reviews: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    reviews = reviews.sort_values("ts", kind="stable")
    days_before = _days_before(reviews["ts"], cutoff)
    reviews = reviews.assign(days_before=days_before, in_90d=days_before <= QUARTER_DAYS)
    by_customer = reviews.groupby("customer_id")
    complaints = reviews[reviews["negative"].astype(bool)].groupby("customer_id")
    features = pd.DataFrame(
        {
            "reviews_total": by_customer.size(),
            "sentiment_mean": by_customer["sentiment"].mean(),
            # Latest review against the customer's average: a souring mood reads negative.
            "sentiment_trend": by_customer["sentiment"].last() - by_customer["sentiment"].mean(),
        }
    )
    features["complaints_total"] = complaints.size()
    features["complaints_90d"] = complaints["in_90d"].sum()
    features["days_since_complaint"] = complaints["days_before"].min()
    return features


def churn_features(
    tickets: pd.DataFrame,
    reviews: pd.DataFrame,
    cutoff: date,
    sentiment_model: ProbabilityScorer | None = None,
) -> pd.DataFrame:
    """One row per customer with at least one visit before ``cutoff`` (index ``customer_id``,
    columns ``FEATURE_NAMES``). NaN where a value does not exist yet (a single visit has no
    gap; no review, no sentiment): the churn model handles missing values natively.

    ``reviews`` may already hold ``sentiment``/``negative`` from ``score_reviews``; otherwise
    they are computed here, with ``sentiment_model`` when given, else from the ratings.
    """
    at = pd.Timestamp(cutoff)
    visits = _visit_features(_before(tickets, at), at)
    written = _review_features(_before(_scored(reviews, sentiment_model), at), at)
    features = visits.join(written, how="left")
    counts = ["reviews_total", "complaints_total", "complaints_90d"]
    features[counts] = features[counts].fillna(0).astype(int)
    features = features.astype({"visits_90d": int, "visits_30d": int}).sort_index()
    features.index.name = "customer_id"
    return features[list(FEATURE_NAMES)]


def churn_labels(
    tickets: pd.DataFrame, cutoff: date, horizon_days: int = HORIZON_DAYS
) -> pd.Series:
    """1 if the customer has any ticket in ``[cutoff, cutoff + horizon_days)`` (days
    cutoff .. cutoff + horizon_days - 1), else 0; for customers with a visit before the
    cutoff, in the order of ``churn_features``' rows."""
    at = pd.Timestamp(cutoff)
    end = at + pd.Timedelta(days=horizon_days)
    ts = _timestamps(tickets)
    known = tickets["customer_id"].notna()
    before = pd.Index(tickets.loc[known & (ts < at), "customer_id"].unique())
    came_back = set(tickets.loc[known & (ts >= at) & (ts < end), "customer_id"])
    labels = pd.Series(
        [int(c in came_back) for c in before], index=before, name="returned", dtype=int
    )
    labels.index.name = "customer_id"
    return labels.sort_index()


def churn_dataset(
    tickets: pd.DataFrame,
    reviews: pd.DataFrame,
    cutoffs: Iterable[date],
    horizon_days: int = HORIZON_DAYS,
    observed_until: date | None = None,
    sentiment_model: ProbabilityScorer | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Features and labels of several cutoffs stacked (index ``(cutoff, customer_id)``): more
    rows to train on. ``observed_until`` (the last day with data) guards against labels whose
    horizon runs past the data, which would read as churn."""
    scored = _scored(reviews, sentiment_model)  # once for all cutoffs
    frames, labels = [], []
    for cutoff in cutoffs:
        last_label_day = cutoff + timedelta(days=horizon_days - 1)
        if observed_until is not None and last_label_day > observed_until:
            raise ValueError(f"cutoff {cutoff}: its horizon runs past {observed_until}")
        features = churn_features(tickets, scored, cutoff)
        frames.append(pd.concat({pd.Timestamp(cutoff): features}, names=["cutoff"]))
        returned = churn_labels(tickets, cutoff, horizon_days).reindex(features.index)
        labels.append(pd.concat({pd.Timestamp(cutoff): returned}, names=["cutoff"]))
    return pd.concat(frames), pd.concat(labels)
