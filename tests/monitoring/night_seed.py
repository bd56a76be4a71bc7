"""Three nights of a two-store chain as the warehouse records them, made by hand so that the
dashboards' and the Pushgateway's figures can be checked against numbers worked out here.

Business dates 2026-11-19 (failed at pos.validate), 2026-11-20 and 2026-11-21 (both succeeded).
The monitoring rows fill the columns of migration 0008_monitoring.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, text

NIGHT = date(2026, 11, 21)  # the latest night
PREVIOUS = date(2026, 11, 20)
FAILED = date(2026, 11, 19)
STORES = ("S1", "S2")


def started(day: date) -> datetime:
    """Each night starts at 02:00 Lima (07:00 UTC) the day after its business date."""
    return datetime(day.year, day.month, day.day, 7, tzinfo=UTC) + timedelta(days=1)


# business date -> (status, seconds the night took, attempts, error)
RUNS = {
    FAILED: ("failed", 60.0, 1, "pos.validate: validation of pos_lines failed"),
    PREVIOUS: ("success", 150.0, 1, None),
    NIGHT: ("success", 180.0, 2, None),
}
# (business date, source, read, loaded, quarantined, published)
LOADS = [
    (PREVIOUS, "pos_lines", 800, 800, 40, 760),
    (NIGHT, "pos_lines", 1000, 990, 10, 990),
    (NIGHT, "reviews", 50, 50, 0, 50),
    (NIGHT, "weather", 120, 120, None, None),  # not validated yet
]
# (model, metric, challenger score, champion score, promoted)
DECISIONS = [
    ("traffic_rnn", "p50_mae", 4.1, 4.5, True),
    ("sales_rf", "wape", 0.20, 0.19, False),
    ("customer_churn", "auc", 0.80, None, True),
]
# (model, store or None for the chain, metric, value)
PERFORMANCE = [
    ("traffic_rnn", None, "ratio_seasonal_naive", 0.75),
    ("traffic_rnn", "S1", "ratio_seasonal_naive", 0.70),
    ("traffic_rnn", "S2", "ratio_seasonal_naive", 0.80),
    ("traffic_rnn", None, "p50_mae", 4.1),
    ("traffic_rnn", "S1", "coverage_open_hours", 0.82),
    ("sales_rf", None, "wape", 0.20),
    ("sales_rf", "S1", "wape", 0.18),
    ("sales_rf", "S1", "ratio_seasonal_naive", 0.90),
    ("review_sentiment", None, "macro_f1", 0.71),
    ("customer_churn", None, "auc", 0.80),
    ("customer_churn", None, "brier", 0.15),
]
# (model, feature, drifted)
DRIFT = [
    ("traffic_rnn", "hour", False),
    ("traffic_rnn", "temperature", True),
    ("traffic_rnn", "promo_depth", False),
    ("traffic_rnn", "payday", False),
    ("sales_rf", "lag_7", True),
    ("sales_rf", "discount", True),
]
# (source, metric, detail, value)
DATA_QUALITY = [
    ("pos_lines", "rows_read", None, 1000.0),
    ("pos_lines", "quarantine_rate", None, 0.01),
    ("pos_lines", "null_share", "customer_id", 0.6),
    ("reviews", "null_share", None, 0.0),
]
# (task, try, state, seconds): one row per task, its last try, as Airflow keeps it.
TASKS = [
    ("train_traffic", 2, "success", 14.0),
    ("train_sales", 1, "success", 4.0),
    ("forecast", 1, "success", 1.7),
]
# (business date, model, resolved on, alerted): sales_rf's event is still open on NIGHT.
DEGRADATION = [
    (FAILED, "traffic_rnn", PREVIOUS, True),
    (PREVIOUS, "sales_rf", None, True),
]
# (run date, store, planned day, role, staff-hours)
SHIFT_TOTALS = [
    (NIGHT, "S1", NIGHT + timedelta(days=1), "cashier", 16.0),
    (NIGHT, "S1", NIGHT + timedelta(days=1), "floor", 8.0),
    (NIGHT, "S2", NIGHT + timedelta(days=1), "cashier", 12.0),
    (NIGHT, "S1", NIGHT + timedelta(days=2), "cashier", 99.0),  # two days ahead: not shown
    (PREVIOUS, "S1", NIGHT, "cashier", 10.0),
]
# (store, day offset, category, confidence)
PROMOTIONS = [("S1", 3, "bebidas", "high"), ("S2", 4, "snacks", "high"), ("S1", 5, "hogar", "low")]
# (offer type, value PEN)
REWARDS = [("win_back", 20.0), ("win_back", 30.0), ("vip", 50.0), ("none", 0.0)]


def _insert(conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    conn.execute(
        text(
            f"insert into {table} ({', '.join(columns)}) "
            f"values ({', '.join(':' + c for c in columns)})"
        ),
        rows,
    )


def insert(engine: Engine) -> None:
    """The three nights, into a database migrated to head with the monitoring tables."""
    with engine.begin() as conn:
        _insert(conn, "ref.stores", [
            {"store_id": s, "name": f"Tienda {s}", "city": "Lima", "format": "mall",
             "latitude": -12.1, "longitude": -77.0, "opening_hours": "{}",
             "manager_name": "Ana", "manager_email": f"{s.lower()}@example.pe"}
            for s in STORES
        ])  # fmt: skip
        _insert(conn, "ops.pipeline_runs", [
            {"logical_date": day + timedelta(days=1), "business_date": day,
             "data_interval_start": started(day) - timedelta(days=1),
             "data_interval_end": started(day), "dag_run_id": f"scheduled__{day}",
             "status": status, "attempts": attempts, "started_at": started(day),
             "finished_at": started(day) + timedelta(seconds=seconds), "error": error}
            for day, (status, seconds, attempts, error) in RUNS.items()
        ])  # fmt: skip
        _insert(conn, "ops.loads", [
            {"business_date": day, "source": source, "source_file": f"{source}.csv",
             "checksum": "0" * 64, "rows_read": read, "rows_loaded": loaded,
             "rows_quarantined": quarantined, "rows_published": published, "duration_s": 1.0}
            for day, source, read, loaded, quarantined, published in LOADS
        ])  # fmt: skip
        _insert(conn, "ops.model_promotions", [
            {"business_date": NIGHT, "model_name": model, "challenger_run_id": f"run-{model}",
             "challenger_version": "4", "champion_version": "3" if champion else None,
             "metric": metric, "higher_is_better": metric == "auc",
             "challenger_score": challenger, "champion_score": champion, "margin": 0.01,
             "promoted": promoted, "reason": "test"}
            for model, metric, challenger, champion, promoted in DECISIONS
        ])  # fmt: skip
        _insert(conn, "plan.shift_totals", [
            {"run_date": run, "store_id": store, "business_date": day, "role": role,
             "shifts": 2, "staff_hours": hours, "need_hours": hours, "gap_hours": 0.0}
            for run, store, day, role, hours in SHIFT_TOTALS
        ])  # fmt: skip
        _insert(conn, "plan.promotions", [
            {"run_date": NIGHT, "store_id": store, "date": NIGHT + timedelta(days=offset),
             "category": category, "discount_pct": 20, "rank": rank, "sales_without": 1000.0,
             "sales_with": 1100.0, "expected_lift": 100.0, "confidence": confidence,
             "reason": "test", "model_version": "7"}
            for rank, (store, offset, category, confidence) in enumerate(PROMOTIONS, start=1)
        ])  # fmt: skip
        _insert(conn, "loyalty.rewards", [
            {"run_date": NIGHT, "customer_key": str(uuid.uuid4()), "store_id": "S1",
             "offer_type": offer, "value_pen": value, "reason_code": offer, "reason": "test",
             "p_return_30d": 0.4, "model_version": "2"}
            for offer, value in REWARDS
        ])  # fmt: skip
        _insert_monitoring(conn)


def _insert_monitoring(conn: Connection) -> None:
    _insert(conn, "monitoring.model_performance", [
        {"business_date": NIGHT, "model_name": model, "model_version": "4", "run_id": "run",
         "scope": "store" if store else "chain", "store_id": store, "metric": metric,
         "value": value, "n_obs": 168, "window_days": 7}
        for model, store, metric, value in PERFORMANCE
    ])  # fmt: skip
    _insert(conn, "monitoring.feature_drift", [
        {"business_date": NIGHT, "model_name": model, "model_version": "4", "run_id": "run",
         "feature": feature, "test_name": "psi", "statistic": 0.3 if drifted else 0.01,
         "p_value": None, "threshold": 0.2, "drifted": drifted}
        for model, feature, drifted in DRIFT
    ])  # fmt: skip
    _insert(conn, "monitoring.data_quality", [
        {"business_date": NIGHT, "source": source, "metric": metric, "detail": detail,
         "value": value}
        for source, metric, detail, value in DATA_QUALITY
    ])  # fmt: skip
    _insert(conn, "monitoring.task_durations", [
        {"business_date": NIGHT, "logical_date": started(NIGHT), "dag_run_id": "scheduled",
         "task_id": task, "state": state, "duration_s": seconds, "try_number": attempt}
        for task, attempt, state, seconds in TASKS
    ])  # fmt: skip
    _insert(conn, "monitoring.degradation_events", [
        {"business_date": day, "model_name": model, "model_version": "3", "metric": "wape",
         "value": 0.3, "threshold": 0.25, "direction": "above", "report_path": "r.html",
         "action": "retrain", "alerted": alerted, "resolved_on": resolved}
        for day, model, resolved, alerted in DEGRADATION
    ])  # fmt: skip
