"""Rating -> class mapping, sentiment scores and the evaluation numbers."""

from __future__ import annotations

import numpy as np
import pytest

from models.loyalty.labels import (
    CLASS_NAMES,
    rating_sentiment_scores,
    rating_to_label,
    ratings_to_labels,
    sentiment_scores,
)
from models.loyalty.metrics import calibration_table, churn_report, classification_report


def test_ratings_map_to_negative_neutral_positive() -> None:
    assert CLASS_NAMES == ("negative", "neutral", "positive")
    assert [rating_to_label(r) for r in range(1, 6)] == [0, 0, 1, 2, 2]
    assert ratings_to_labels([5, 3, 1]).tolist() == [2, 1, 0]
    for invalid in (0, 6):
        with pytest.raises(ValueError):
            rating_to_label(invalid)


def test_sentiment_score_is_positive_minus_negative_probability() -> None:
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.0, 1.0, 0.0]])
    np.testing.assert_allclose(sentiment_scores(proba), [-0.6, 0.7, 0.0])
    np.testing.assert_allclose(rating_sentiment_scores([1, 2, 3, 4, 5]), [-1, -1, 0, 1, 1])


def test_classification_report_counts_true_classes_in_rows() -> None:
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 2, 0])
    report = classification_report(y_true, y_pred)
    assert report.confusion.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert report.accuracy == pytest.approx(4 / 6)
    expected_f1 = {"negative": 0.5, "neutral": 2 / 3, "positive": 0.8}
    assert report.per_class_f1 == pytest.approx(expected_f1)
    assert report.macro_f1 == pytest.approx(np.mean(list(expected_f1.values())))
    assert report.as_dict()["support"] == 6


def test_calibration_table_has_ten_bins_with_means_and_counts() -> None:
    probability = np.array([0.05, 0.05, 0.15, 0.95, 1.0, 0.55])
    returned = np.array([0, 1, 0, 1, 1, 0])
    table = calibration_table(returned, probability)
    assert len(table) == 10
    assert table["count"].tolist() == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    first, last = table.iloc[0], table.iloc[9]
    assert (first["mean_predicted"], first["observed_rate"]) == pytest.approx((0.05, 0.5))
    assert (last["mean_predicted"], last["observed_rate"]) == pytest.approx((0.975, 1.0))
    assert np.isnan(table.iloc[2]["observed_rate"])


def test_churn_report_scores_ranking_and_probabilities() -> None:
    returned = np.array([0, 0, 1, 1])
    perfect = churn_report(returned, np.array([0.0, 0.0, 1.0, 1.0]))
    assert perfect.roc_auc == 1.0 and perfect.brier == 0.0 and perfect.base_rate == 0.5
    backwards = churn_report(returned, np.array([0.9, 0.8, 0.2, 0.1]))
    assert backwards.roc_auc == 0.0
    assert backwards.brier == pytest.approx((0.81 + 0.64 + 0.64 + 0.81) / 4)
