"""The churn classifier on synthetic histories: it ranks customers who keep coming above those
who complained and left, its probabilities are usable, and it survives pickling."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from models.loyalty.churn import ChurnConfig, ChurnModel
from models.loyalty.churn_features import FEATURE_NAMES, churn_dataset, churn_features
from models.loyalty.metrics import churn_report
from tests.loyalty.synthetic import ticket_history

START = date(2025, 1, 1)
DAYS = 180
TRAIN_CUTOFFS = [START + timedelta(days=d) for d in range(60, 121, 15)]
TEST_CUTOFF = START + timedelta(days=150)  # its 30-day horizon ends on the last day


@pytest.fixture(scope="module")
def history() -> tuple[pd.DataFrame, pd.DataFrame]:
    return ticket_history(customers=300, start=START, days=DAYS, seed=4)


@pytest.fixture(scope="module")
def fitted(history: tuple[pd.DataFrame, pd.DataFrame]) -> ChurnModel:
    tickets, reviews = history
    last_day = START + timedelta(days=DAYS - 1)
    features, labels = churn_dataset(tickets, reviews, TRAIN_CUTOFFS, observed_until=last_day)
    return ChurnModel(ChurnConfig(max_iter=100)).fit(features, labels)


def test_a_regular_outranks_a_customer_who_complained_and_stopped(fitted: ChurnModel) -> None:
    cutoff = date(2025, 6, 1)
    visits = [cutoff - timedelta(days=d) for d in range(65, 0, -5)]
    regular = [("REG", pd.Timestamp(day) + pd.Timedelta(hours=12), 25.0) for day in visits]
    stopped = [("GONE", pd.Timestamp(day) + pd.Timedelta(hours=12), 25.0) for day in visits[:-5]]
    tickets = pd.DataFrame(regular + stopped, columns=["customer_id", "ts", "amount"])
    last_gone = stopped[-1][1]
    reviews = pd.DataFrame(
        [
            ("REG", visits[-3], 5, "Excelente"),
            ("GONE", last_gone, 1, "Pésimo servicio, no vuelvo."),
        ],
        columns=["customer_id", "ts", "rating", "text"],
    ).assign(ts=lambda f: pd.to_datetime(f["ts"]))
    p_return = fitted.predict_proba(churn_features(tickets, reviews, cutoff))
    assert p_return["REG"] > 0.7
    assert p_return["GONE"] < 0.3
    risk = fitted.churn_risk(churn_features(tickets, reviews, cutoff))
    np.testing.assert_allclose(risk, 1 - p_return)


def test_held_out_cutoff_is_ranked_and_calibrated(
    fitted: ChurnModel, history: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    tickets, reviews = history
    features, labels = churn_dataset(tickets, reviews, [TEST_CUTOFF])
    report = churn_report(labels.to_numpy(), fitted.predict_proba(features).to_numpy())
    assert report.roc_auc >= 0.8
    # Better than always predicting the base rate.
    assert report.brier < report.base_rate * (1 - report.base_rate)
    assert report.calibration["count"].sum() == len(labels)


def test_feature_names_and_pickle_round_trip(
    fitted: ChurnModel, history: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    tickets, reviews = history
    features = churn_features(tickets, reviews, TEST_CUTOFF)
    assert fitted.feature_names == list(FEATURE_NAMES)
    restored = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_series_equal(restored.predict_proba(features), fitted.predict_proba(features))
    # Column order does not matter; missing columns are an error, not a silent shift.
    shuffled = features[list(reversed(features.columns))]
    pd.testing.assert_series_equal(fitted.predict_proba(shuffled), fitted.predict_proba(features))
    with pytest.raises(ValueError, match="recency_days"):
        fitted.predict_proba(features.drop(columns="recency_days"))


def test_unfitted_one_class_or_misconfigured_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        ChurnModel().predict_proba(pd.DataFrame({"recency_days": [1.0]}))
    features = pd.DataFrame({"recency_days": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="both"):
        ChurnModel().fit(features, pd.Series([1, 1, 1]))
    with pytest.raises(ValueError, match="calibration"):
        ChurnConfig(calibration="platt")  # type: ignore[arg-type]
