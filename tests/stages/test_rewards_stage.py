"""The rewards stage on a freshly migrated warehouse: inputs by key, budget, idempotent re-runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from pipelines.db import migrate
from pipelines.settings import Settings
from pipelines.stages.rewards import assign_rewards
from pipelines.window import RunWindow

DAY = date(2031, 5, 20)
STORES = ("S1", "S2")
# customer_id -> (home store, p_return_30d, monetary_90d); S1's budget fits two S/ 30 vouchers.
CUSTOMERS: dict[str, tuple[str | None, float, float]] = {
    "C000001": ("S1", 0.2, 300.0),  # at risk, wrote a negative review last week
    "C000002": ("S1", 0.2, 300.0),  # equally at risk, no review
    "C000003": ("S1", 0.15, 300.0),  # at risk; a negative review, but 40 days ago
    "C000004": ("S2", 0.95, 4000.0),  # loyal top spender
    "C000005": ("S2", 0.6, 100.0),  # nothing to do
    "C000006": (None, 0.1, 500.0),  # no home store: no budget to charge
}


def _seed(engine: Engine) -> dict[str, str]:
    """Insert the inputs; returns customer_id -> customer_key."""
    with engine.begin() as conn:
        for store_id in STORES:
            conn.execute(
                text(
                    "insert into ref.stores (store_id, name, city, format, latitude, longitude,"
                    " opening_hours, manager_name, manager_email) values (:s, :s, 'Lima',"
                    " 'street', -12.1, -77.0, '{}', 'Ana', 'ana@example.pe')"
                ),
                {"s": store_id},
            )
        for customer_id, (store, *_rest) in CUSTOMERS.items():
            conn.execute(
                text(
                    "insert into core.customers (customer_id, full_name, email, home_store_id)"
                    " values (:c, 'Rosa Quispe', :e, :s)"
                ),
                {"c": customer_id, "e": f"{customer_id.lower()}@example.pe", "s": store},
            )
            conn.execute(
                text("insert into loyalty.customer_keys (customer_id) values (:c)"),
                {"c": customer_id},
            )
        keys: dict[str, str] = dict(
            conn.execute(text("select customer_id, customer_key::text from loyalty.customer_keys"))
            .tuples()
            .all()
        )
        reviews = [
            ("R1", "C000001", DAY - timedelta(days=6), "negative"),
            ("R2", "C000002", DAY - timedelta(days=3), "positive"),
            ("R3", "C000003", DAY - timedelta(days=40), "negative"),
        ]
        for review_id, customer_id, day, label in reviews:
            when = datetime.combine(day, datetime.min.time()).replace(hour=13)
            conn.execute(
                text(
                    "insert into core.reviews (business_date, review_id, store_id, customer_id,"
                    " ts_local, ts_utc, rating, language, text) values (:d, :r, 'S1', :c, :t,"
                    " :t, 2, 'es', 'Demoraron mucho en caja')"
                ),
                {"d": day, "r": review_id, "c": customer_id, "t": when},
            )
            negative = 0.9 if label == "negative" else 0.05
            conn.execute(
                text(
                    "insert into loyalty.review_scores (review_id, business_date, store_id, label,"
                    " p_negative, p_neutral, p_positive, sentiment, model_version) values (:r, :d,"
                    " 'S1', :l, :n, 0.05, :p, :p - :n, 'sentiment-v2')"
                ),
                {"r": review_id, "d": day, "l": label, "n": negative, "p": 0.95 - negative},
            )
        for customer_id, (store, p_return, monetary) in CUSTOMERS.items():
            for run_date, version in ((DAY, "4"), (DAY - timedelta(days=1), "3")):
                conn.execute(
                    text(
                        "insert into loyalty.churn_scores (run_date, customer_key, store_id,"
                        " p_return_30d, recency_days, frequency_90d, monetary_90d,"
                        " sentiment_mean, complaints_90d, model_version) values (:d,"
                        " cast(:k as uuid), :s, :p, 12, 5, :m, 0.1, 0, :v)"
                    ),
                    {
                        "d": run_date,
                        "k": keys[customer_id],
                        "s": store,
                        "p": p_return,
                        "m": monetary,
                        "v": version,
                    },
                )
    return keys


def _rows(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "select customer_key::text, store_id, offer_type, value_pen, valid_from,"
                    " valid_to, reason_code, reason, p_return_30d, monetary_90d, model_version"
                    " from loyalty.rewards where run_date = :d order by customer_key"
                ),
                {"d": DAY},
            ).tuples()
        )


@pytest.fixture
def warehouse_with_scores(fresh_engine: Engine) -> tuple[Engine, dict[str, str]]:
    migrate.upgrade(fresh_engine)
    return fresh_engine, _seed(fresh_engine)


def test_rewards_by_key_within_budget_and_idempotent(
    warehouse_with_scores: tuple[Engine, dict[str, str]], settings: Settings
) -> None:
    engine, keys = warehouse_with_scores
    settings = settings.model_copy(
        update={"reward_budget_per_store": 60.0, "report_language": "es"}
    )
    window = RunWindow.for_business_date(DAY, settings.tz)

    counts = assign_rewards(engine, settings, window)
    first = _rows(engine)
    assert assign_rewards(engine, settings, window) == counts
    assert _rows(engine) == first  # a re-run replaces the night's rows with the same ones

    assert counts["customers_scored"] == 6 and counts["customers_without_store"] == 1
    by_key = {row[0]: row for row in first}
    assert set(by_key) == {keys[c] for c, (store, *_) in CUSTOMERS.items() if store}
    offer = {c: by_key[keys[c]][2:4] for c in CUSTOMERS if CUSTOMERS[c][0]}
    reason_code = {c: by_key[keys[c]][6] for c in CUSTOMERS if CUSTOMERS[c][0]}
    # S1: the recent complaint doubles C000001's priority; C000003 (old complaint) is the
    # riskiest; the budget (two S/ 30 vouchers) runs out before the equally at-risk C000002.
    assert offer["C000003"] == ("win_back", 30) and reason_code["C000003"] == "WIN_BACK_AT_RISK"
    assert offer["C000001"] == ("win_back", 30)
    assert reason_code["C000001"] == "WIN_BACK_NEGATIVE_REVIEW"
    assert offer["C000002"] == ("none", 0)
    assert reason_code["C000002"] == "NONE_BUDGET_EXHAUSTED"
    assert offer["C000004"][0] == "vip" and reason_code["C000004"] == "VIP_TOP_SPENDER"
    assert reason_code["C000005"] == "NONE_LOW_RISK"

    row = by_key[keys["C000001"]]
    assert (row[4], row[5]) == (DAY + timedelta(days=1), DAY + timedelta(days=14))
    assert row[7].startswith("Reseña negativa")
    assert {r[10] for r in first} == {"4"}  # the churn scores' model version

    with engine.connect() as conn:
        spent = conn.execute(
            text(
                "select store_id, sum(value_pen) from loyalty.rewards where run_date = :d"
                " group by store_id"
            ),
            {"d": DAY},
        ).tuples()
        assert all(total <= 60 for _, total in spent)
        columns = set(
            conn.execute(
                text(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'loyalty' and table_name = 'rewards'"
                )
            ).scalars()
        )
    assert "customer_id" not in columns
    dump = repr(first)
    assert not any(customer_id in dump for customer_id in CUSTOMERS)
    assert "example.pe" not in dump and "Rosa" not in dump


def test_a_zero_budget_night_offers_nothing(
    warehouse_with_scores: tuple[Engine, dict[str, str]], settings: Settings
) -> None:
    engine, _keys = warehouse_with_scores
    settings = settings.model_copy(update={"reward_budget_per_store": 0.0})
    counts = assign_rewards(engine, settings, RunWindow.for_business_date(DAY, settings.tz))
    assert counts["rewards_win_back"] == counts["rewards_vip"] == 0
    assert {row[2] for row in _rows(engine)} == {"none"}


def test_a_night_without_churn_scores_offers_nothing_and_does_not_fail(
    warehouse_with_scores: tuple[Engine, dict[str, str]], settings: Settings
) -> None:
    """No churn model yet (a young deployment) or none beat its baseline: no scores, no
    rewards; the night goes on (it used to fail on the empty table)."""
    engine, _keys = warehouse_with_scores
    night = RunWindow.for_business_date(DAY + timedelta(days=1), settings.tz)
    counts = assign_rewards(engine, settings, night)
    assert counts["skipped"].startswith("no churn scores tonight")
    with engine.connect() as conn:
        written = conn.execute(
            text("select count(*) from loyalty.rewards where run_date = :d"),
            {"d": night.business_date},
        ).scalar_one()
    assert written == 0
