"""Loyalty rewards' pure rules: who qualifies, who comes first, and the per-store budget."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from pipelines.planning.rewards import (
    REWARD_COLUMNS,
    VIP_PERK_PEN,
    WIN_BACK_MAX_PEN,
    WIN_BACK_MIN_PEN,
    assign,
)

DAY = date(2026, 11, 21)


def _customers(rows: Sequence[tuple[str, str, float, float | None, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[
            "customer_key",
            "store_id",
            "p_return_30d",
            "monetary_90d",
            "negative_reviews_30d",
        ],
    )
    return frame.assign(model_version="7")


def _by_key(rewards: pd.DataFrame) -> pd.DataFrame:
    return rewards.set_index("customer_key")


def _crowd(seed: int, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return _customers(
        [
            (
                f"k{i:04d}",
                f"S{rng.integers(1, 5)}",
                float(rng.uniform(0, 1)),
                float(rng.gamma(2.0, 300.0)),
                int(rng.random() < 0.1),
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("budget", [0.0, 35.0, 100.0, 300.0, 5000.0])
def test_the_budget_is_never_exceeded_per_store(budget: float) -> None:
    rewards = assign(_crowd(seed=int(budget)), budget, DAY, "es")
    assert list(rewards.columns) == list(REWARD_COLUMNS)
    spent = rewards.groupby("store_id")["value_pen"].sum()
    assert (spent <= budget + 1e-9).all()
    offered = rewards[rewards["offer_type"] != "none"]
    assert (offered["value_pen"] > 0).all()
    assert (rewards.loc[rewards["offer_type"] == "none", "value_pen"] == 0).all()
    if budget >= 5000:  # enough for everyone who qualifies
        assert not (rewards["reason_code"] == "NONE_BUDGET_EXHAUSTED").any()


def test_zero_budget_means_only_none() -> None:
    rewards = assign(_crowd(seed=3), 0.0, DAY, "en")
    assert set(rewards["offer_type"]) == {"none"}
    assert (rewards["value_pen"] == 0).all()
    assert rewards["valid_from"].isna().all()
    assert set(rewards["reason_code"]) == {"NONE_LOW_RISK", "NONE_BUDGET_EXHAUSTED"}


def test_a_negative_reviewer_at_risk_outranks_an_equally_at_risk_customer() -> None:
    customers = _customers(
        [
            ("quiet", "S1", 0.2, 300.0, 0),
            ("complained", "S1", 0.2, 300.0, 1),
        ]
    )
    # Room for exactly one S/ 30 voucher.
    rewards = _by_key(assign(customers, 45.0, DAY, "es"))
    assert rewards.loc["complained", "offer_type"] == "win_back"
    assert rewards.loc["complained", "reason_code"] == "WIN_BACK_NEGATIVE_REVIEW"
    assert rewards.loc["complained", "value_pen"] == pytest.approx(30.0)
    assert rewards.loc["quiet", "offer_type"] == "none"
    assert rewards.loc["quiet", "reason_code"] == "NONE_BUDGET_EXHAUSTED"
    assert rewards.loc["complained", "reason"].startswith("Reseña negativa")


def test_vip_only_when_loyal_and_high_value() -> None:
    # Ten customers of one store: the top 10% of spend is the S/ 5,000 customers only.
    rows = [(f"mid{i}", "S1", 0.9, 500.0, 0) for i in range(7)]
    rows += [
        ("loyal_big", "S1", 0.9, 5000.0, 0),
        ("fickle_big", "S1", 0.6, 5000.0, 0),  # big spender, but not loyal enough
        ("loyal_small", "S1", 0.95, 100.0, 0),  # loyal, but not a top spender
    ]
    rewards = _by_key(assign(_customers(rows), 1000.0, DAY, "en"))
    assert rewards.loc["loyal_big", "offer_type"] == "vip"
    assert rewards.loc["loyal_big", "reason_code"] == "VIP_TOP_SPENDER"
    assert rewards.loc["loyal_big", "value_pen"] == pytest.approx(VIP_PERK_PEN)
    for key in ("fickle_big", "loyal_small", "mid0"):
        assert rewards.loc[key, "offer_type"] == "none"
        assert rewards.loc[key, "reason_code"] == "NONE_LOW_RISK"


def test_win_back_value_follows_spend_within_bounds_and_validity() -> None:
    customers = _customers(
        [
            ("small", "S1", 0.1, 20.0, 0),
            ("typical", "S1", 0.1, 250.0, 0),
            ("big", "S1", 0.1, 9000.0, 0),
            ("unknown_spend", "S1", 0.1, None, 0),
        ]
    )
    rewards = _by_key(assign(customers, 1000.0, DAY, "es"))
    assert rewards.loc["small", "value_pen"] == WIN_BACK_MIN_PEN
    assert rewards.loc["typical", "value_pen"] == pytest.approx(25.0)
    assert rewards.loc["big", "value_pen"] == WIN_BACK_MAX_PEN
    assert rewards.loc["unknown_spend", "value_pen"] == WIN_BACK_MIN_PEN
    assert (rewards["valid_from"] == DAY + timedelta(days=1)).all()
    assert (rewards["valid_to"] == DAY + timedelta(days=14)).all()
    assert rewards.loc["typical", "reason"] == (
        "90% de riesgo de no volver en 30 días: vale de S/ 25 (10% de su gasto de 90 días, S/ 250)"
    )
    assert "mínimo" in rewards.loc["small", "reason"]


def test_budget_goes_down_the_priority_list_in_order() -> None:
    customers = _customers(
        [
            ("first", "S1", 0.1, 500.0, 0),  # priority 450, S/ 50
            ("second", "S1", 0.2, 300.0, 0),  # priority 240, S/ 30
            ("third", "S1", 0.3, 100.0, 0),  # priority 70, S/ 10: would fit, but comes later
            ("other_store", "S2", 0.1, 500.0, 0),
        ]
    )
    rewards = _by_key(assign(customers, 70.0, DAY, "en"))
    assert rewards.loc["first", "offer_type"] == "win_back"
    assert rewards.loc["second", "reason_code"] == "NONE_BUDGET_EXHAUSTED"
    assert rewards.loc["third", "reason_code"] == "NONE_BUDGET_EXHAUSTED"
    assert rewards.loc["other_store", "offer_type"] == "win_back"  # each store has its own budget
    assert rewards.loc["second", "reason"] == (
        "No offer: qualified for win-back (S/ 30), but the store's budget (S/ 70) went to "
        "customers with a higher priority"
    )


def test_rewards_carry_no_customer_identity_but_the_key() -> None:
    rewards = assign(_crowd(seed=5, n=20), 300.0, DAY, "es")
    assert not {"customer_id", "full_name", "email", "phone"} & set(rewards.columns)
    assert (rewards["model_version"] == "7").all()
