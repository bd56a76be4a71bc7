"""A small, hand-made warehouse state for the report tests: two made-up stores, one plan.

The business date is far from any other test's dates and the store ids are unique, so the rows
can live in the session database next to other tests' rows and be removed afterwards.

RPT1: a busy week; 12 hours at the store's maximum; reviews all scored by the model.
RPT2: a quiet store with markup in its name (escaping); reviews only partly scored, so the
report falls back to star ratings; no hour at the maximum.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, text

BUSINESS_DATE = date(2033, 3, 14)  # a Monday; the first planned day is Tuesday 2033-03-15
FIRST_DAY = BUSINESS_DATE + timedelta(days=1)
MODEL_VERSION = "7"
STORES = {
    "RPT1": {
        "name": "Larcomar Test",
        "city": "Lima",
        "manager_name": "Ana Núñez",
        "manager_email": "ana.rpt1@example.pe",
    },
    "RPT2": {
        "name": "Bodega <Sur> & Norte",
        "city": "Arequipa",
        "manager_name": "Luis Quispe",
        "manager_email": "luis.rpt2@example.pe",
    },
}
OPEN, CLOSE = 8, 22  # every day, local hours


def traffic(store_id: str, ts: datetime) -> float:
    """A midday and an evening peak; RPT2 is a quarter of RPT1."""
    hour = ts.hour + 0.5
    shape = 10 + 60 * math.exp(-((hour - 13) ** 2) / 4) + 90 * math.exp(-((hour - 19) ** 2) / 3)
    return shape * (1.0 if store_id == "RPT1" else 0.25)


# RPT1's hours at the maximum: every evening peak (cashiers), plus both roles at 13:00 on the
# first five days, so that there are 7 + 5 = 12 and the report shows only the busiest 10.
def at_maximum(store_id: str, ts: datetime, role: str) -> bool:
    if store_id != "RPT1":
        return False
    day = (ts.date() - FIRST_DAY).days
    return (ts.hour == 19 and role == "cashier") or (ts.hour == 13 and day < 5)


# (day offset from FIRST_DAY, role, start hour, end hour); day 2 is outside the report.
SHIFTS = [
    (0, "cashier", 8, 16),
    (0, "cashier", 14, 22),
    (0, "floor", 8, 16),
    (1, "cashier", 8, 16),
    (1, "cashier", 18, 25),  # ends 01:00 the next day
    (1, "floor", 12, 20),
    (2, "cashier", 9, 17),
]

# (store, days before BUSINESS_DATE, rating, language, text, model label or None if unscored)
REVIEWS: list[tuple[str, int, int, str, str, str | None]] = [
    ("RPT1", 0, 1, "es", "Pésimo. La cola era eterna. Lo bueno: precios justos.", "negative"),
    ("RPT1", 1, 2, "es", "Esperé 25 minutos para pagar. Una sola caja abierta.", "negative"),
    ("RPT1", 2, 1, "en", "Rude staff. The line was endless.", "negative"),
    ("RPT1", 3, 5, "es", "Excelente experiencia. Me atendieron al toque.", "positive"),
    ("RPT1", 6, 2, "es", "Carísimo para lo que es.", "negative"),
    ("RPT1", 7, 5, "es", "Todo muy bien.", "positive"),  # previous week from here
    ("RPT1", 9, 4, "en", "Great deals.", "positive"),
    ("RPT1", 13, 3, "es", "Normal nomás.", "neutral"),
    ("RPT1", 14, 1, "es", "Fuera de la ventana: no cuenta.", "negative"),
    ("RPT2", 0, 2, "es", "Los baños sucísimos.", "negative"),
    ("RPT2", 4, 4, "es", "Buenas ofertas.", None),
    ("RPT2", 8, 5, "es", "Todo limpiecito.", None),
]
SENTIMENT = {"negative": -0.8, "neutral": 0.0, "positive": 0.9}


def _stores() -> list[dict[str, Any]]:
    hours = {str(d): {"open": f"{OPEN:02d}:00", "close": f"{CLOSE:02d}:00"} for d in range(1, 8)}
    return [
        {"store_id": sid, **facts, "opening_hours": json.dumps(hours)}
        for sid, facts in STORES.items()
    ]


def _forecast() -> list[dict[str, Any]]:
    rows = []
    start = datetime.combine(FIRST_DAY, time())
    for sid in STORES:
        for h in range(7 * 24):
            ts = start + timedelta(hours=h)
            p50 = traffic(sid, ts)
            rows.append(
                {
                    "store_id": sid,
                    "ts": ts,
                    "ts_utc": ts.replace(tzinfo=UTC) + timedelta(hours=5),
                    "p10": 0.6 * p50,
                    "p50": p50,
                    "p90": 1.5 * p50,
                }
            )
    return rows


def _staffing() -> list[dict[str, Any]]:
    rows = []
    start = datetime.combine(FIRST_DAY, time())
    for sid in STORES:
        for day in range(7):
            for hour in range(OPEN, CLOSE):
                ts = start + timedelta(days=day, hours=hour)
                p50 = traffic(sid, ts)
                for role, per_staff in (("cashier", 30.0), ("floor", 40.0)):
                    maximum = at_maximum(sid, ts, role)
                    staff = max(1, math.ceil(1.3 * p50 / per_staff))
                    rows.append(
                        {
                            "store_id": sid,
                            "ts": ts,
                            "role": role,
                            "day": ts.date(),
                            "p50": p50,
                            "planned": 1.3 * p50,
                            "staff": staff,
                            "rule": "maximum" if maximum else "service_level",
                        }
                    )
    return rows


def _shifts() -> list[dict[str, Any]]:
    rows = []
    for sid in STORES:
        numbers: dict[tuple[int, str], int] = {}
        for day, role, begin, end in SHIFTS:
            numbers[(day, role)] = numbers.get((day, role), 0) + 1
            midnight = datetime.combine(FIRST_DAY + timedelta(days=day), time())
            rows.append(
                {
                    "store_id": sid,
                    "day": midnight.date(),
                    "role": role,
                    "no": numbers[(day, role)],
                    "start": midnight + timedelta(hours=begin),
                    "end": midnight + timedelta(hours=end),
                    "hours": float(end - begin),
                }
            )
    return rows


# The traffic explanation of RPT1's week (explanations.traffic_days / traffic_drivers): Friday
# busier with payday on the eve of a holiday, Sunday quieter in the rain, the rest normal. RPT2's
# week is all normal. (day offset from FIRST_DAY, change, {driver: visitors})
WHY_DAYS = [
    (3, 0.25, {"payday": 300.0, "holiday_eve": 180.0, "temperature": -20.0, "other": 5.0}),
    (5, -0.20, {"rain": -350.0, "recent_level": 40.0, "other": -2.0}),
]
USUAL_VISITORS = 1600.0


def _why() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    days, drivers = [], []
    changes = {offset: (change, parts) for offset, change, parts in WHY_DAYS}
    for sid in STORES:
        for offset in range(7):
            day = FIRST_DAY + timedelta(days=offset)
            change, parts = changes.get(offset, (0.02, {"other": 0.02 * USUAL_VISITORS}))
            if sid != "RPT1":
                change, parts = 0.01, {"other": 0.01 * USUAL_VISITORS}
            days.append(
                {"store_id": sid, "date": day, "usual": USUAL_VISITORS,
                 "forecast": USUAL_VISITORS * (1 + change), "change": change,
                 "unusual": abs(change) >= 0.1, "why": "seeded"}
            )  # fmt: skip
            drivers += [
                {"store_id": sid, "date": day, "driver": driver, "contribution": value}
                for driver, value in parts.items()
            ]
    return days, drivers


def remove(engine: Engine) -> None:
    ids = {"ids": list(STORES)}
    with engine.begin() as conn:
        for table in (
            "explanations.traffic_days",  # its drivers go with it
            "loyalty.review_scores",
            "core.reviews",
            "plan.staffing",
            "plan.shifts",
            "forecast.traffic_hourly",
            "ref.stores",
        ):
            conn.execute(text(f"delete from {table} where store_id = any(:ids)"), ids)


def insert(engine: Engine) -> None:
    remove(engine)  # a crashed earlier session may have left rows behind
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into ref.stores (store_id, name, city, format, latitude, longitude,"
                " opening_hours, manager_name, manager_email) values (:store_id, :name, :city,"
                " 'mall', -12.1, -77.0, cast(:opening_hours as jsonb), :manager_name,"
                " :manager_email)"
            ),
            _stores(),
        )
        conn.execute(
            text(
                "insert into forecast.traffic_hourly (run_date, store_id, ts_local, ts_utc, p10,"
                " p50, p90, model_name, model_version) values (:run_date, :store_id, :ts,"
                " :ts_utc, :p10, :p50, :p90, 'traffic', :version)"
            ),
            [r | {"run_date": BUSINESS_DATE, "version": MODEL_VERSION} for r in _forecast()],
        )
        conn.execute(
            text(
                "insert into plan.staffing (run_date, store_id, ts_local, role, business_date,"
                " traffic_p50, planned_quantile, traffic_planned, expected_transactions,"
                " required, staff, binding_rule, rationale, model_version) values (:run_date,"
                " :store_id, :ts, :role, :day, :p50, 'p80', :planned, :planned, :staff, :staff,"
                " :rule, 'test', :version)"
            ),
            [r | {"run_date": BUSINESS_DATE, "version": MODEL_VERSION} for r in _staffing()],
        )
        conn.execute(
            text(
                "insert into plan.shifts (run_date, store_id, business_date, role, shift_no,"
                " shift_start, shift_end, hours) values (:run_date, :store_id, :day, :role,"
                " :no, :start, :end, :hours)"
            ),
            [r | {"run_date": BUSINESS_DATE} for r in _shifts()],
        )
        why_days, why_drivers = _why()
        conn.execute(
            text(
                "insert into explanations.traffic_days (run_date, store_id, date, usual_visitors,"
                " forecast_visitors, change_pct, unusual, enough_history, why, model_name,"
                " model_version) values (:run_date, :store_id, :date, :usual, :forecast,"
                " :change, :unusual, true, :why, 'traffic_rnn', :version)"
            ),
            [r | {"run_date": BUSINESS_DATE, "version": MODEL_VERSION} for r in why_days],
        )
        conn.execute(
            text(
                "insert into explanations.traffic_drivers (run_date, store_id, date, driver,"
                " driver_group, label, contribution_visitors, model_version) values (:run_date,"
                " :store_id, :date, :driver, 'events', :driver, :contribution, :version)"
            ),
            [r | {"run_date": BUSINESS_DATE, "version": MODEL_VERSION} for r in why_drivers],
        )
        for n, (sid, ago, rating, language, body, label) in enumerate(REVIEWS):
            day = BUSINESS_DATE - timedelta(days=ago)
            ts = datetime.combine(day, time(12))
            review = {
                "id": f"RPT-R{n}",
                "day": day,
                "store_id": sid,
                "ts": ts,
                "ts_utc": ts.replace(tzinfo=UTC),
                "rating": rating,
                "language": language,
                "text": body,
            }
            conn.execute(
                text(
                    "insert into core.reviews (business_date, review_id, store_id, ts_local,"
                    " ts_utc, rating, language, text) values (:day, :id, :store_id, :ts,"
                    " :ts_utc, :rating, :language, :text)"
                ),
                review,
            )
            if label is not None:
                conn.execute(
                    text(
                        "insert into loyalty.review_scores (review_id, business_date, store_id,"
                        " label, p_negative, p_neutral, p_positive, sentiment, model_version)"
                        " values (:id, :day, :store_id, :label, 0.1, 0.1, 0.8, :sentiment, 'm1')"
                    ),
                    review | {"label": label, "sentiment": SENTIMENT[label]},
                )
