"""A small hand-made warehouse for the monitor, in a database of its own.

Two stores. S1 counts visitors every hour from 10:00 to 21:00 for five weeks before the
business date, and sells every day; the traffic model (version 1, trained 10 nights before) and
the sales model (version 3) forecast it from the night before, each a little off: P50 two
visitors too high in every open hour, and 13:00 below its P10. S2 has the
same history but sends nothing on the business date (an empty store). There is no sentiment or
churn model at all, and no forecast was made before the first night (``FIRST_NIGHT``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, text

from pipelines.settings import Settings
from tests.databases import scratch_database

NIGHT = date(2031, 5, 20)  # the business date the monitor measures
FIRST_NIGHT = NIGHT - timedelta(days=3)  # the first night with a forecast: no actuals yet
HISTORY_DAYS = 35
TRAFFIC_VERSION, SALES_VERSION = "1", "3"
STORES = ("S1", "S2")
OPEN_HOURS = range(10, 22)
MISSED_HOUR = 13  # the one open hour whose count falls outside P10-P90 (below P10)


def count(store: str, ts: datetime) -> float:
    if ts.hour not in OPEN_HOURS:
        return 0.0
    base = 30 + 20 * math.sin((ts.hour - 10) / 11 * math.pi) + 3 * (ts.toordinal() % 5)
    return round(base * (1.0 if store == "S1" else 0.5))


def _insert(conn: Any, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        columns = list(rows[0])
        conn.execute(
            text(
                f"insert into {table} ({', '.join(columns)}) "
                f"values ({', '.join(':' + c for c in columns)})"
            ),
            rows,
        )


def _hours(day: date) -> list[datetime]:
    return [datetime.combine(day, time(hour)) for hour in range(24)]


def load(engine: Engine) -> None:
    days = [NIGHT - timedelta(days=i) for i in range(HISTORY_DAYS, -1, -1)]
    with engine.begin() as conn:
        _insert(conn, "ref.stores", [
            {"store_id": store, "name": f"Tienda {store}", "city": "Lima", "format": "mall",
             "latitude": -12.1, "longitude": -77.0, "manager_name": "Ana",
             "manager_email": f"{store.lower()}@example.pe",
             "opening_hours": '{"1": {"open": "10:00", "close": "22:00"}}'}
            for store in STORES
        ])  # fmt: skip
        sent = [(s, d) for s in STORES for d in days if not (s == "S2" and d == NIGHT)]
        _insert(conn, "core.door_counts", [
            {"business_date": d, "store_id": s, "ts_local": ts, "ts_utc": ts + timedelta(hours=5),
             "count": count(s, ts)}
            for s, d in sent for ts in _hours(d)
        ])  # fmt: skip
        _insert(conn, "core.weather_hourly", [
            {"business_date": d, "kind": "observed", "city": "Lima", "ts_local": ts,
             "issued_on": d, "ts_utc": ts + timedelta(hours=5),
             "temperature_2m": 17 + 4 * math.sin(ts.hour / 24 * math.pi), "precipitation": 0.0,
             "relative_humidity_2m": 80.0}
            for d in days for ts in _hours(d)
        ])  # fmt: skip
        _insert(conn, "core.pos_lines", [
            {"business_date": d, "ticket_id": f"{s}-{d}", "line_id": 1, "store_id": s,
             "ts_local": datetime.combine(d, time(12)), "ts_utc": datetime.combine(d, time(17)),
             "category": "abarrotes", "product": "arroz", "quantity": 1,
             "unit_price": 100 + d.day, "discount": 0, "payment_type": "cash",
             "amount": 100 + d.day}
            for s, d in sent
        ])  # fmt: skip
        forecasts = [FIRST_NIGHT + timedelta(days=i) for i in range(4)]  # up to NIGHT
        _insert(conn, "forecast.traffic_hourly", [
            {"run_date": run, "store_id": s, "ts_local": ts, "ts_utc": ts + timedelta(hours=5),
             "p10": count(s, ts) + 1.0 if ts.hour == MISSED_HOUR else 0.7 * count(s, ts),
             "p50": count(s, ts) + 2.0 * (ts.hour in OPEN_HOURS),
             "p90": 1.3 * count(s, ts) + 4.0, "model_name": "traffic_rnn",
             "model_version": TRAFFIC_VERSION}
            for run in forecasts for s in STORES for ts in _hours(run + timedelta(days=1))
        ])  # fmt: skip
        _insert(conn, "forecast.sales_daily", [
            {"run_date": run, "store_id": s, "date": run + timedelta(days=ahead),
             "category": "__all__", "prediction": 110.0, "model_name": "sales_rf",
             "model_version": SALES_VERSION}
            for run in forecasts for s in STORES for ahead in range(1, 8)
        ])  # fmt: skip
        decisions = [("traffic_rnn", TRAFFIC_VERSION, "holdout_mae", 3.0),
                     ("sales_rf", SALES_VERSION, "holdout_wape", 0.1)]  # fmt: skip
        # Trained ten nights before; every forecasting night reused it.
        nights = [(NIGHT - timedelta(days=10), True)] + [(run, False) for run in forecasts]
        _insert(conn, "ops.model_promotions", [
            {"business_date": night, "model_name": name, "challenger_run_id": f"run-{name}",
             "challenger_version": version, "champion_version": None if trained else version,
             "metric": metric, "higher_is_better": False, "challenger_score": score,
             "champion_score": None if trained else score, "margin": 0.01,
             "promoted": trained, "reason": "no champion yet" if trained else "reused"}
            for name, version, metric, score in decisions for night, trained in nights
        ])  # fmt: skip


@contextmanager
def seeded_warehouse(settings: Settings) -> Iterator[Engine]:
    with scratch_database(settings, "monitor", migrated=True) as engine:
        load(engine)
        yield engine
