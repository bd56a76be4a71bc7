"""Rewards: tonight's loyalty offers for every customer the churn model scored.

The rules (who qualifies, priority, the per-store budget) live in ``pipelines.planning.rewards``.
This stage reads the churn scores with the last 30 days' negative reviews, by pseudonymous key
only, and replaces the run date's rows of loyalty.rewards in one transaction; each row carries
the version of the churn model that scored it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.planning.rewards import assign
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow


def _customers(engine: Engine, business_date: date) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sql("rewards/customers"), conn, params={"business_date": business_date})


def _records(rewards: pd.DataFrame, run_date: date) -> list[dict[str, Any]]:
    def optional(value: Any) -> Any:
        return None if value is None or pd.isna(value) else value

    return [
        {
            "run_date": run_date,
            "customer_key": r.customer_key,
            "store_id": r.store_id,
            "offer_type": r.offer_type,
            "value_pen": round(float(r.value_pen), 2),
            "valid_from": optional(r.valid_from),
            "valid_to": optional(r.valid_to),
            "reason_code": r.reason_code,
            "reason": r.reason,
            "p_return_30d": float(r.p_return_30d),
            "monetary_90d": optional(r.monetary_90d),
            "model_version": r.model_version,
        }
        for r in rewards.itertuples()
    ]


def _member_drivers(engine: Engine, business_date: date) -> pd.DataFrame:
    """Tonight's churn-score drivers (explanations.churn_drivers), by customer_key."""
    with engine.connect() as conn:
        return pd.read_sql(
            sql("explanations/member_drivers"), conn, params={"business_date": business_date}
        )


def assign_rewards(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    customers = _customers(engine, window.business_date)
    if customers.empty:  # no churn model scored tonight (score_customers says why)
        with engine.begin() as conn:
            conn.execute(sql("rewards/delete_run"), {"run_date": window.business_date})
        return {"skipped": "no churn scores tonight, so no rewards (score_customers says why)"}
    # The budget is per store: a customer without a home store cannot be charged to one.
    homeless = customers["store_id"].isna()
    drivers = _member_drivers(engine, window.business_date)
    rewards = assign(
        customers[~homeless],
        settings.reward_budget_per_store,
        window.business_date,
        settings.report_language,
        drivers,
    )
    records = _records(rewards, window.business_date)
    with engine.begin() as conn:
        conn.execute(sql("rewards/delete_run"), {"run_date": window.business_date})
        if records:
            conn.execute(sql("rewards/insert"), records)
    offers = rewards["offer_type"]
    spent = rewards.groupby("store_id")["value_pen"].sum()
    return {
        "customers_scored": len(customers),
        "customers_without_store": int(homeless.sum()),
        "rewards_win_back": int((offers == "win_back").sum()),
        "rewards_vip": int((offers == "vip").sum()),
        "rewards_none": int((offers == "none").sum()),
        "rewards_budget_exhausted": int((rewards["reason_code"] == "NONE_BUDGET_EXHAUSTED").sum()),
        "rewards_value_pen": round(float(spent.sum()), 2),
        "rewards_reasons_from_drivers": int(
            rewards["reason_code"]
            .str.startswith(("WIN_BACK_", "VIP_"))
            .mul(rewards["customer_key"].isin(set(drivers["customer_key"])))
            .sum()
        ),
        "rewards_max_store_spend_pen": round(float(spent.max()), 2) if len(spent) else 0.0,
    }
