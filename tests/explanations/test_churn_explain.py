"""SHAP explanations of the churn model: a member who stopped coming has recency as the top
driver, a member with a single visit gets "not enough history", the contributions add up to the
score, and reward reasons come from these drivers."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from models.loyalty.churn import ChurnModel
from models.loyalty.churn_features import churn_features
from models.loyalty.explain import NO_DRIVERS, explain_members, top_drivers
from pipelines.explanations.words import churn_group, churn_label
from pipelines.planning.rewards import assign
from tests.explanations.conftest import CHURN_DAYS, CHURN_START

CUTOFF = CHURN_START + timedelta(days=CHURN_DAYS)
RECENCY = {"recency_days", "overdue_ratio"}  # days since the last visit (absolute, or in gaps)


def _visits(customer: str, days_before: list[int], amount: float = 30.0) -> list[tuple]:
    return [
        (f"{customer}-{d}", customer, pd.Timestamp(CUTOFF - timedelta(days=d)) + pd.Timedelta(
            hours=12), amount)
        for d in days_before
    ]  # fmt: skip


@pytest.fixture(scope="module")
def planted(member_history: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    """Everyone's features at CUTOFF plus three planted members: GONE came every 4 days for
    four months and stopped 60 days ago; REGULAR comes every 4 days; ONCE came once."""
    tickets, reviews = member_history
    planted = pd.DataFrame(
        _visits("GONE", list(range(180, 59, -4)))
        + _visits("REGULAR", list(range(120, 0, -4)))
        + _visits("ONCE", [20]),
        columns=["ticket_id", "customer_id", "ts", "amount"],
    )
    return churn_features(pd.concat([tickets, planted]), reviews, CUTOFF)


def test_a_long_gap_makes_recency_the_top_driver(
    churn_model: ChurnModel, planted: pd.DataFrame
) -> None:
    explanation = explain_members(churn_model, planted.loc[["GONE", "REGULAR"]])
    table = top_drivers(explanation, top=3)
    gone = table.loc["GONE"].sort_values("rank")
    assert gone.iloc[0]["feature"] in RECENCY
    assert gone.iloc[0]["contribution"] > 0  # towards churn
    assert churn_group(gone.iloc[0]["feature"]) == "RECENCY"
    regular = table.loc["REGULAR"].sort_values("rank")
    assert regular.iloc[0]["contribution"] < 0  # a regular's strongest reason is to stay


def test_contributions_add_up_to_the_churn_score(
    churn_model: ChurnModel, planted: pd.DataFrame
) -> None:
    explanation = explain_members(churn_model, planted)
    assert explanation.additivity_error().max() < 1e-9
    np.testing.assert_allclose(explanation.risk, churn_model.churn_risk(planted).to_numpy())
    table = top_drivers(explanation, top=4)
    sums = table.groupby(level=0, sort=False)["contribution"].sum()
    logit = np.log(explanation.risk) - np.log1p(-explanation.risk)
    np.testing.assert_allclose(
        sums.reindex(explanation.index).to_numpy() + explanation.base, logit, atol=1e-9
    )
    again = explain_members(churn_model, planted)
    assert np.array_equal(again.contributions, explanation.contributions)


def test_a_single_visit_is_not_enough_history(
    churn_model: ChurnModel, planted: pd.DataFrame
) -> None:
    explanation = explain_members(churn_model, planted.loc[["ONCE"]])
    table = top_drivers(explanation, top=5)
    assert list(table["feature"]) == [NO_DRIVERS]
    assert churn_label(NO_DRIVERS, None, "en") == "a single visit: too little history to tell why"


def _drivers(churn_model: ChurnModel, planted: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    table = top_drivers(explain_members(churn_model, planted.loc[list(keys)]), top=3)
    return pd.DataFrame(
        {
            "customer_key": [keys[c] for c in table.index],
            "rank": table["rank"].to_numpy(),
            "feature": table["feature"].to_numpy(),
            "reason_group": [churn_group(f) for f in table["feature"]],
            "feature_value": table["feature_value"].to_numpy(),
            "contribution_logit": table["contribution"].to_numpy(),
        }
    )


@pytest.mark.parametrize(
    ("language", "gone_words", "once_words"),
    [("es", "Sin visitas hace 60 días", "Una sola visita"),
     ("en", "No visit in 60 days", "A single visit")],
)  # fmt: skip
def test_reward_reasons_come_from_the_drivers(
    churn_model: ChurnModel, planted: pd.DataFrame, language: str, gone_words: str,
    once_words: str,
) -> None:  # fmt: skip
    keys = {"GONE": "k-gone", "ONCE": "k-once", "REGULAR": "k-regular"}
    drivers = _drivers(churn_model, planted, keys)
    customers = pd.DataFrame(
        {
            "customer_key": ["k-gone", "k-once", "k-regular"],
            "store_id": "S1",
            "p_return_30d": [0.1, 0.2, 0.95],
            "monetary_90d": [300.0, 30.0, 900.0],
            "negative_reviews_30d": 0,
            "model_version": "3",
        }
    )
    rewards = assign(customers, 500.0, date(2025, 6, 30), language, drivers).set_index(  # type: ignore[arg-type]
        "customer_key"
    )
    assert rewards.loc["k-gone", "offer_type"] == "win_back"
    assert rewards.loc["k-gone", "reason_code"] == "WIN_BACK_RECENCY"
    assert rewards.loc["k-gone", "reason"].startswith(gone_words), rewards.loc["k-gone", "reason"]
    assert rewards.loc["k-once", "reason_code"] == "WIN_BACK_NOT_ENOUGH_HISTORY"
    assert rewards.loc["k-once", "reason"].startswith(once_words)
    # The offer itself still follows the business rules (the VIP line needs the top spend).
    assert rewards.loc["k-regular", "offer_type"] == "vip"
    assert rewards.loc["k-regular", "reason_code"].startswith("VIP_")


def test_without_drivers_the_rules_still_give_a_reason() -> None:
    customers = pd.DataFrame(
        {"customer_key": ["a"], "store_id": "S1", "p_return_30d": [0.1], "monetary_90d": [100.0],
         "negative_reviews_30d": [1], "model_version": "3"}
    )  # fmt: skip
    rewards = assign(customers, 100.0, date(2025, 6, 30), "es", pd.DataFrame())
    assert rewards.loc[0, "reason_code"] == "WIN_BACK_NEGATIVE_REVIEW"


def test_every_driver_reads_as_words() -> None:
    from models.loyalty.churn_features import FEATURE_NAMES

    for feature in (*FEATURE_NAMES, "other_features", "not_enough_history"):
        for value in (3.0, float("nan")):
            for language in ("es", "en"):
                words = churn_label(feature, value, language)  # type: ignore[arg-type]
                assert words and "_" not in words, (feature, value, language, words)
