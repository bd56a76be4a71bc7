"""Which (customer, cutoff) examples the churn model trains and is judged on."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pandas as pd
import pytest

from pipelines.training.churn import (
    CUTOFF_STEP_DAYS,
    MAX_TRAIN_CUTOFFS,
    NotEnoughHistory,
    cutoffs,
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
