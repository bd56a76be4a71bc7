"""Churn features and labels on a hand-made ticket table: exact values, the cutoff boundary
and the horizon edge."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from models.loyalty.churn_features import (
    FEATURE_NAMES,
    churn_dataset,
    churn_features,
    churn_labels,
)
from models.loyalty.sentiment import SentimentModel

CUTOFF = date(2025, 2, 10)
CLEARLY_NEGATIVE = "Pésimo servicio, esperé 40 minutos y nadie me atendió"


def _tickets(rows: list[tuple[str | None, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(f"T{i}", c, pd.Timestamp(ts), amount) for i, (c, ts, amount) in enumerate(rows)],
        columns=["ticket_id", "customer_id", "ts", "amount"],
    )


def _reviews(rows: list[tuple[str | None, str, int, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "ts", "rating", "text"])
    return frame.assign(ts=pd.to_datetime(frame["ts"]))


TICKETS = _tickets(
    [
        ("A", "2025-01-01 12:00", 10.0),
        ("A", "2025-01-11 09:30", 20.0),
        ("A", "2025-01-31 10:00", 30.0),
        ("A", "2025-01-31 18:00", 40.0),  # a second ticket the same day
        ("A", "2025-02-10 09:00", 50.0),  # on the cutoff day: label, not feature
        ("B", "2024-12-01 20:00", 12.5),
        (None, "2025-02-01 12:00", 99.0),  # anonymous
        ("C", "2025-02-20 12:00", 15.0),  # first seen after the cutoff
    ]
)
REVIEWS = _reviews(
    [
        ("A", "2025-01-11 10:00", 1, "Horrible"),
        ("A", "2025-01-31 10:30", 5, "Excelente"),
        ("A", "2025-02-10 09:10", 1, "Horrible otra vez"),  # on the cutoff day: ignored
        (None, "2025-01-20 12:00", 1, "Anónimo"),
    ]
)


def test_visit_features_have_exact_values() -> None:
    features = churn_features(TICKETS, REVIEWS, CUTOFF)
    assert list(features.columns) == list(FEATURE_NAMES)
    assert features.index.name == "customer_id"
    assert features.index.tolist() == ["A", "B"]
    a, b = features.loc["A"], features.loc["B"]
    assert (a["recency_days"], a["tenure_days"]) == (10, 40)
    # Jan 11 is exactly 30 days before the cutoff: inside the 30-day window.
    assert (a["visits_total"], a["visits_90d"], a["visits_30d"]) == (4, 4, 3)
    assert (a["spend_total"], a["spend_mean"]) == pytest.approx((100.0, 25.0))
    # Distinct visit days Jan 1, 11, 31: gaps 10 and 20.
    assert (a["gap_mean"], a["gap_std"]) == pytest.approx((15.0, 5.0))
    assert a["last_gap_ratio"] == pytest.approx(20 / 15)
    assert a["overdue_ratio"] == pytest.approx(10 / 15)
    assert (b["recency_days"], b["tenure_days"], b["visits_total"]) == (71, 71, 1)
    assert (b["visits_90d"], b["visits_30d"]) == (1, 0)
    assert np.isnan(b["gap_mean"]) and np.isnan(b["overdue_ratio"])


def test_review_features_from_ratings() -> None:
    features = churn_features(TICKETS, REVIEWS, CUTOFF)
    a, b = features.loc["A"], features.loc["B"]
    assert (a["reviews_total"], a["complaints_total"], a["complaints_90d"]) == (2, 1, 1)
    assert a["days_since_complaint"] == 30
    assert a["sentiment_mean"] == pytest.approx(0.0)  # -1 then +1
    assert a["sentiment_trend"] == pytest.approx(1.0)  # the latest beats the average
    assert (b["reviews_total"], b["complaints_total"]) == (0, 0)
    assert np.isnan(b["sentiment_mean"]) and np.isnan(b["days_since_complaint"])


def test_customers_without_reviews_still_get_visit_features() -> None:
    with_reviews = churn_features(TICKETS, REVIEWS, CUTOFF)
    without = churn_features(TICKETS, REVIEWS.iloc[0:0], CUTOFF)
    assert (without["reviews_total"] == 0).all() and (without["complaints_total"] == 0).all()
    assert without["sentiment_mean"].isna().all()
    visit_columns = list(FEATURE_NAMES[: FEATURE_NAMES.index("reviews_total")])
    pd.testing.assert_frame_equal(without[visit_columns], with_reviews[visit_columns])


def test_events_on_or_after_the_cutoff_never_change_features() -> None:
    later_tickets = _tickets([("A", "2025-02-10 00:00", 500.0), ("B", "2025-03-01 12:00", 1.0)])
    later_reviews = _reviews([("B", "2025-02-10 00:00", 1, "Horrible")])
    tampered = churn_features(
        pd.concat([TICKETS, later_tickets]), pd.concat([REVIEWS, later_reviews]), CUTOFF
    )
    pd.testing.assert_frame_equal(tampered, churn_features(TICKETS, REVIEWS, CUTOFF))


def test_timezone_aware_timestamps_are_refused() -> None:
    utc = TICKETS.assign(ts=TICKETS["ts"].dt.tz_localize("UTC"))
    with pytest.raises(ValueError, match="naive local"):
        churn_features(utc, REVIEWS, CUTOFF)
    with pytest.raises(ValueError, match="naive local"):
        churn_labels(utc, CUTOFF)


def test_labels_count_the_cutoff_day_and_stop_at_the_horizon_edge() -> None:
    tickets = _tickets(
        [
            ("A", "2025-01-05 12:00", 1.0),
            ("A", "2025-02-10 00:00", 1.0),  # the cutoff day itself: returned
            ("B", "2025-01-05 12:00", 1.0),
            ("B", "2025-03-11 23:59", 1.0),  # day 30 (cutoff + 29): returned
            ("D", "2025-01-05 12:00", 1.0),
            ("D", "2025-03-12 00:00", 1.0),  # day 31: too late
            ("E", "2025-01-05 12:00", 1.0),  # never came back
            ("F", "2025-02-15 12:00", 1.0),  # new after the cutoff: not labelled
        ]
    )
    labels = churn_labels(tickets, CUTOFF, horizon_days=30)
    assert labels.to_dict() == {"A": 1, "B": 1, "D": 0, "E": 0}
    assert churn_labels(tickets, CUTOFF, horizon_days=31)["D"] == 1


def test_dataset_stacks_cutoffs_and_refuses_unobserved_horizons() -> None:
    cutoffs = [date(2025, 1, 20), CUTOFF]
    features, labels = churn_dataset(TICKETS, REVIEWS, cutoffs, observed_until=date(2025, 3, 31))
    assert features.index.names == ["cutoff", "customer_id"]
    assert features.index.equals(labels.index)
    assert features.loc[pd.Timestamp(CUTOFF)].index.tolist() == ["A", "B"]
    assert labels.loc[(pd.Timestamp(CUTOFF), "A")] == 1
    assert labels.loc[(pd.Timestamp(date(2025, 1, 20)), "B")] == 0
    with pytest.raises(ValueError, match="horizon"):
        churn_dataset(TICKETS, REVIEWS, [CUTOFF], observed_until=date(2025, 3, 1))


def test_a_sentiment_model_reads_the_text_not_the_stars(toy_model: SentimentModel) -> None:
    # Five stars on a furious text: the ratings miss the complaint, the model does not.
    reviews = _reviews([("A", "2025-01-31 11:00", 5, CLEARLY_NEGATIVE)])
    by_rating = churn_features(TICKETS, reviews, CUTOFF).loc["A"]
    by_model = churn_features(TICKETS, reviews, CUTOFF, sentiment_model=toy_model).loc["A"]
    assert (by_rating["complaints_total"], by_rating["sentiment_mean"]) == (0, 1.0)
    assert by_model["complaints_total"] == 1
    assert by_model["sentiment_mean"] < 0
