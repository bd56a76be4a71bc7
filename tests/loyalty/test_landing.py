"""The simulator's landing files read into the frames the loyalty models take."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from models.loyalty.churn_features import churn_features, churn_labels
from models.loyalty.landing import load_reviews, load_tickets
from pipelines.simulator.core import SimulationConfig, SimulationSummary, run_simulation


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationSummary]:
    out = tmp_path_factory.mktemp("landing")
    config = SimulationConfig(
        stores=1, start=date(2025, 3, 1), end=date(2025, 3, 14), seed=2, out=out
    )
    return out, run_simulation(config)


def test_tickets_are_member_visits_with_their_total(
    landing: tuple[Path, SimulationSummary],
) -> None:
    out, _ = landing
    lines = pd.concat(
        pd.read_csv(f, dtype={"customer_id": "str"}) for f in out.glob("pos/*/transactions.csv")
    )
    member_lines = lines[lines["customer_id"].notna()]
    tickets = load_tickets(out)
    assert tickets["ticket_id"].is_unique
    assert len(tickets) == member_lines["ticket_id"].nunique()
    assert tickets["amount"].sum() == pytest.approx(member_lines["amount"].sum())
    assert tickets["customer_id"].notna().all()
    assert tickets["ts"].is_monotonic_increasing
    everyone = load_tickets(out, members_only=False)
    assert len(everyone) == lines["ticket_id"].nunique()


def test_reviews_are_complete_and_feed_the_churn_features(
    landing: tuple[Path, SimulationSummary],
) -> None:
    out, summary = landing
    reviews = load_reviews(out)
    assert len(reviews) == summary.rows["reviews"]
    assert reviews["rating"].between(1, 5).all()
    assert set(reviews["language"]) <= {"es", "en"}
    tickets = load_tickets(out)
    cutoff = date(2025, 3, 10)
    features = churn_features(tickets, reviews, cutoff)
    before = tickets[tickets["ts"] < pd.Timestamp(cutoff)]
    assert features.index.tolist() == sorted(before["customer_id"].unique())
    assert features["visits_total"].sum() == len(before)
    member_reviews = reviews[reviews["customer_id"].notna() & (reviews["ts"] < "2025-03-10")]
    assert (
        features["reviews_total"].sum() == member_reviews["customer_id"].isin(features.index).sum()
    )
    labels = churn_labels(tickets, cutoff, horizon_days=5)
    assert labels.index.equals(features.index)
