"""The analytics views on a tiny warehouse whose right answers were worked out by hand.

Store S1, ISO weeks 2026-W47 (Sunday 22 Nov) and 2026-W48 (Monday 23 Nov onwards). Forecasts
come from the nights of 21, 22 and 23 Nov; each target must be scored against the freshest
forecast made before its date, and the staffing plan of a date is the latest made before it.
The accuracy views add up the nightly monitor's figures, so the monitor measures the nights of
22, 23 and 24 Nov on the sample first (``pipelines.monitoring.performance``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from pipelines.db.roles import ANALYST_ROLE
from pipelines.monitoring import performance, store
from pipelines.paths import SQL_DIR
from pipelines.settings import Settings
from tests.databases import scratch_database

EXAMPLES = sorted((SQL_DIR / "examples").glob("*.sql"))
WEEK_47, WEEK_48 = date(2026, 11, 16), date(2026, 11, 23)


def _ts(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour)


STORES = [
    {"store_id": "S1", "name": "Larcomar"},
    {"store_id": "S2", "name": "Miraflores"},
]

# (run_date day, store, target day, hour, p50, model_version)
TRAFFIC_FORECASTS = [
    (21, "S1", 22, 10, 12.0, "3"),
    (21, "S1", 22, 11, 24.0, "3"),
    (21, "S1", 23, 10, 100.0, "3"),  # superseded by the night of the 22nd
    (21, "S1", 23, 12, 100.0, "3"),  # superseded
    (21, "S1", 23, 13, 15.0, "3"),  # the freshest for 13:00: two days ahead
    (22, "S1", 23, 10, 27.0, "4"),
    (22, "S1", 23, 11, 50.0, "4"),  # its hour's counter was out
    (22, "S1", 23, 12, 44.0, "4"),
    (23, "S1", 24, 10, 30.0, "4"),  # no actuals yet
    (21, "S2", 22, 10, 5.0, "3"),
]
# (store, day, hour, count); None = the counter was out
DOOR_COUNTS = [
    ("S1", 22, 10, 10),
    ("S1", 22, 11, 20),
    ("S1", 23, 10, 30),
    ("S1", 23, 11, None),
    ("S1", 23, 12, 40),
    ("S1", 23, 13, 10),
]
# (run_date day, store, target day, category, prediction)
SALES_FORECASTS = [
    (21, "S1", 22, "__all__", 110.0),
    (21, "S1", 23, "__all__", 300.0),  # superseded
    (22, "S1", 23, "__all__", 180.0),
    (22, "S1", 23, "bebidas", 999.0),  # a category, not the store total
    (21, "S2", 22, "__all__", 50.0),
]
# (business day, store, ticket, amount): S1 sells 100 on the 22nd and 200 on the 23rd
POS_LINES = [
    (22, "S1", "T1", 60),
    (22, "S1", "T2", 40),
    (23, "S1", "T3", 200),
    (24, "S1", "T4", 50),  # no forecast for the 24th
]
# (run_date day, store, business day, hour, cashiers, floor, traffic_planned)
PLANS = [
    (21, "S1", 22, 10, 2, 2, 15.0),
    (21, "S1", 23, 10, 5, 5, 120.0),  # superseded by the night of the 22nd
    (22, "S1", 23, 10, 2, 1, 33.0),
    (22, "S1", 23, 11, 1, 1, 60.0),
    (22, "S1", 23, 12, 1, 1, 50.0),  # nobody reported staff for 12:00
    (23, "S1", 24, 10, 1, 1, 35.0),  # tomorrow, seen from the last night
]
# (store, day, hour, staff on duty)
STAFF_ON_DUTY = [("S1", 22, 10, 3), ("S1", 23, 10, 2), ("S1", 23, 11, 3)]


def _insert(conn: Any, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    conn.execute(
        text(
            f"insert into {table} ({', '.join(columns)}) "
            f"values ({', '.join(':' + c for c in columns)})"
        ),
        rows,
    )


def _load_sample(engine: Engine) -> None:
    with engine.begin() as conn:
        _insert(
            conn,
            "ref.stores",
            [
                {
                    **store,
                    "city": "Lima",
                    "format": "mall",
                    "latitude": -12.13,
                    "longitude": -77.03,
                    "opening_hours": '{"1": {"open": "10:00", "close": "22:00"}}',
                    "manager_name": "Ana Quispe",
                    "manager_email": "ana@example.pe",
                }
                for store in STORES
            ],
        )
        _insert(
            conn,
            "forecast.traffic_hourly",
            [
                {
                    "run_date": date(2026, 11, run),
                    "store_id": store,
                    "ts_local": _ts(day, hour),
                    "ts_utc": _ts(day, hour + 5),
                    "p10": p50 / 2,
                    "p50": p50,
                    "p90": p50 * 2,
                    "model_name": "traffic",
                    "model_version": version,
                }
                for run, store, day, hour, p50, version in TRAFFIC_FORECASTS
            ],
        )
        _insert(
            conn,
            "core.door_counts",
            [
                {
                    "business_date": date(2026, 11, day),
                    "store_id": store,
                    "ts_local": _ts(day, hour),
                    "ts_utc": _ts(day, hour + 5),
                    "count": count,
                }
                for store, day, hour, count in DOOR_COUNTS
            ],
        )
        _insert(
            conn,
            "forecast.sales_daily",
            [
                {
                    "run_date": date(2026, 11, run),
                    "store_id": store,
                    "date": date(2026, 11, day),
                    "category": category,
                    "prediction": prediction,
                    "model_name": "sales",
                    "model_version": "7",
                }
                for run, store, day, category, prediction in SALES_FORECASTS
            ],
        )
        _insert(
            conn,
            "core.pos_lines",
            [
                {
                    "business_date": date(2026, 11, day),
                    "ticket_id": ticket,
                    "line_id": 1,
                    "store_id": store,
                    "ts_local": _ts(day, 12),
                    "ts_utc": _ts(day, 17),
                    "customer_id": "C1",
                    "category": "bebidas",
                    "product": "chicha morada",
                    "quantity": 1,
                    "unit_price": amount,
                    "discount": 0,
                    "payment_type": "cash",
                    "amount": amount,
                }
                for day, store, ticket, amount in POS_LINES
            ],
        )
        _insert(
            conn,
            "plan.staffing",
            [
                {
                    "run_date": date(2026, 11, run),
                    "store_id": store,
                    "ts_local": _ts(day, hour),
                    "role": role,
                    "business_date": date(2026, 11, day),
                    "traffic_p50": planned * 0.8,
                    "planned_quantile": "p80",
                    "traffic_planned": planned,
                    "expected_transactions": planned * 0.35,
                    "required": staff,
                    "staff": staff,
                    "binding_rule": "minimum",
                    "rationale": "test",
                    "model_version": "4",
                }
                for run, store, day, hour, cashiers, floor, planned in PLANS
                for role, staff in (("cashier", cashiers), ("floor", floor))
            ],
        )
        _insert(
            conn,
            "core.staffing",
            [
                {
                    "business_date": date(2026, 11, day),
                    "store_id": store,
                    "ts_local": _ts(day, hour),
                    "ts_utc": _ts(day, hour + 5),
                    "staff_on_duty": staff,
                }
                for store, day, hour, staff in STAFF_ON_DUTY
            ],
        )
        _insert(
            conn,
            "ops.model_promotions",
            [
                {
                    "business_date": date(2026, 11, 22),
                    "model_name": "traffic",
                    "challenger_run_id": "run-4",
                    "challenger_version": "4",
                    "champion_version": "3",
                    "metric": "wape",
                    "higher_is_better": False,
                    "challenger_score": 0.18,
                    "champion_score": 0.2,
                    "margin": 0.01,
                    "promoted": True,
                    "reason": "challenger wape=0.1800 vs champion 0.2000: +10.0% -> promoted",
                }
            ],
        )
        _insert(
            conn,
            "plan.promotions",
            [
                {
                    "run_date": date(2026, 11, 23),
                    "store_id": "S1",
                    "date": date(2026, 11, 28),
                    "category": "bebidas",
                    "discount_pct": 15,
                    "rank": 1,
                    "sales_without": 1000.0,
                    "sales_with": 1100.0,
                    "expected_lift": 100.0,
                    "lift_p10": 40.0,
                    "lift_p90": 160.0,
                    "confidence": "medium",
                    "reason": "test",
                    "model_version": "7",
                }
            ],
        )
        _insert(
            conn,
            "loyalty.rewards",
            [
                {
                    "run_date": date(2026, 11, 23),
                    "customer_key": str(uuid.uuid4()),
                    "store_id": "S1",
                    "offer_type": "win_back",
                    "value_pen": 20,
                    "reason_code": "lapsing",
                    "reason": "test",
                    "p_return_30d": 0.3,
                    "model_version": "2",
                }
            ],
        )


def _monitor_nights(engine: Engine) -> None:
    """What the nightly monitor writes for the sample's nights (its forecast figures)."""
    for day in (22, 23, 24):
        night = date(2026, 11, day)
        figures = (
            performance.traffic(engine, night, (1, 7))[0]
            + performance.sales(engine, night, (1, 7))[0]
        )
        store.replace_night(engine, store.NightFigures(night, f"night-{day}", figures))


@pytest.fixture(scope="module")
def sample(settings: Settings) -> Iterator[Engine]:
    """A fresh database migrated to head holding the sample above (dropped afterwards)."""
    with scratch_database(settings, "views", migrated=True) as engine:
        _load_sample(engine)
        _monitor_nights(engine)
        yield engine


def _rows(engine: Engine, query: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(query)).mappings()]


def _by_week(engine: Engine, view: str) -> dict[date, dict[str, Any]]:
    rows = _rows(engine, f"select * from analytics.{view} where store_id = 'S1'")
    return {row["week_start"]: row for row in rows}


def test_traffic_accuracy_uses_the_freshest_forecast_and_skips_counter_outages(
    sample: Engine,
) -> None:
    weeks = _by_week(sample, "traffic_accuracy_weekly")
    assert set(weeks) == {WEEK_47, WEEK_48}

    # W47: forecasts 12, 24 vs counts 10, 20 -> errors +2, +4.
    w47 = weeks[WEEK_47]
    assert (w47["iso_year"], w47["iso_week"], w47["points"]) == (2026, 47, 2)
    assert w47["mae"] == pytest.approx(3.0)
    assert w47["wape"] == pytest.approx(6 / 30)
    assert w47["bias"] == pytest.approx(6 / 30)
    assert w47["mean_error"] == pytest.approx(3.0)

    # W48: 10:00 27 vs 30 (night of the 22nd, not 100), 11:00 skipped (counter out),
    # 12:00 44 vs 40, 13:00 15 vs 10 (only the night of the 21st forecast it).
    w48 = weeks[WEEK_48]
    assert w48["points"] == 3
    assert w48["actual_total"] == pytest.approx(80)
    assert w48["forecast_total"] == pytest.approx(86)
    assert w48["mae"] == pytest.approx((3 + 4 + 5) / 3)
    assert w48["wape"] == pytest.approx(12 / 80)
    assert w48["bias"] == pytest.approx(6 / 80)
    assert w48["mean_error"] == pytest.approx(2.0)
    assert (w48["horizon_days_min"], w48["horizon_days_max"]) == (1, 2)
    assert w48["model_versions"] == "3, 4"


def test_sales_accuracy_compares_the_store_total_with_summed_pos_lines(sample: Engine) -> None:
    weeks = _by_week(sample, "sales_accuracy_weekly")
    assert set(weeks) == {WEEK_47, WEEK_48}  # the 24th has sales but no forecast

    # W47: 110 forecast vs 60 + 40 sold.
    assert weeks[WEEK_47]["points"] == 1
    assert weeks[WEEK_47]["mae"] == pytest.approx(10.0)
    assert weeks[WEEK_47]["wape"] == pytest.approx(0.1)
    assert weeks[WEEK_47]["bias"] == pytest.approx(0.1)
    # W48: the night of the 22nd said 180 (not 300, and not the 999 of one category) vs 200.
    assert weeks[WEEK_48]["forecast_total"] == pytest.approx(180.0)
    assert weeks[WEEK_48]["mae"] == pytest.approx(20.0)
    assert weeks[WEEK_48]["wape"] == pytest.approx(0.1)
    assert weeks[WEEK_48]["bias"] == pytest.approx(-0.1)
    assert weeks[WEEK_48]["mean_error"] == pytest.approx(-20.0)
    assert weeks[WEEK_48]["horizon_days_max"] == 1


def test_latest_forecasts_hold_only_each_stores_latest_run(sample: Engine) -> None:
    traffic = _rows(sample, "select * from analytics.latest_traffic_forecast")
    runs = {(r["store_id"], r["run_date"]) for r in traffic}
    # Per store: S2 was last forecast on the 21st and keeps that forecast.
    assert runs == {("S1", date(2026, 11, 23)), ("S2", date(2026, 11, 21))}
    s1 = [r for r in traffic if r["store_id"] == "S1"]
    assert [(r["ts_local"], r["p50"]) for r in s1] == [(_ts(24, 10), 30.0)]

    sales = _rows(sample, "select * from analytics.latest_sales_forecast order by category")
    assert {(r["store_id"], r["run_date"]) for r in sales} == {
        ("S1", date(2026, 11, 22)),
        ("S2", date(2026, 11, 21)),
    }
    assert [(r["category"], r["prediction"]) for r in sales if r["store_id"] == "S1"] == [
        ("__all__", 180.0),
        ("bebidas", 999.0),
    ]


def test_staffing_plan_vs_actual_uses_the_plan_made_before_the_date(sample: Engine) -> None:
    rows = _rows(
        sample,
        "select * from analytics.staffing_plan_vs_actual where store_id = 'S1' order by ts_local",
    )
    by_hour = {r["ts_local"]: r for r in rows}
    assert list(by_hour) == [_ts(22, 10), _ts(23, 10), _ts(23, 11), _ts(23, 12), _ts(24, 10)]

    ten = by_hour[_ts(23, 10)]
    assert ten["plan_run_date"] == date(2026, 11, 22)
    assert (ten["planned_cashiers"], ten["planned_floor"], ten["planned_staff"]) == (2, 1, 3)
    assert (ten["actual_staff"], ten["staff_difference"]) == (2, -1)
    assert (ten["actual_traffic"], ten["traffic_difference"]) == (30, pytest.approx(-3.0))

    eleven = by_hour[_ts(23, 11)]
    assert (eleven["planned_staff"], eleven["actual_staff"], eleven["staff_difference"]) == (
        2,
        3,
        1,
    )
    assert eleven["actual_traffic"] is None  # counter out
    assert eleven["traffic_difference"] is None

    noon = by_hour[_ts(23, 12)]
    assert (noon["actual_staff"], noon["staff_difference"]) == (None, None)
    assert by_hour[_ts(22, 10)]["staff_difference"] == -1  # planned 4, on duty 3


def test_model_history_lists_decisions(sample: Engine) -> None:
    [row] = _rows(sample, "select * from analytics.model_history")
    assert (row["model_name"], row["champion_version"], row["challenger_version"]) == (
        "traffic",
        "3",
        "4",
    )
    assert row["promoted"] is True


def test_stores_view_leaves_out_the_manager(sample: Engine) -> None:
    [row] = _rows(sample, "select * from analytics.stores where store_id = 'S1'")
    assert row["name"] == "Larcomar"
    assert not {"manager_name", "manager_email"} & set(row)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_example_answers_something_on_the_sample(sample: Engine, example: Path) -> None:
    with sample.connect() as conn:  # closing rolls back, and SET LOCAL ends with it
        conn.exec_driver_sql(f"set local role {ANALYST_ROLE}")
        rows = conn.exec_driver_sql(example.read_text("utf-8")).all()
    assert rows, f"{example.name} returned nothing on the sample warehouse"


def test_staffing_plan_vs_actual_says_how_each_hour_was_served(sample: Engine) -> None:
    rows = _rows(
        sample,
        "select * from analytics.staffing_plan_vs_actual where store_id = 'S1' order by ts_local",
    )
    by_hour = {r["ts_local"]: r for r in rows}
    # 22nd 10:00: 3 on duty, planned 2 cashiers + 2 floor; no ticket rung up at 10:00, 10 came.
    # Needed: the minimum cashier + ceil(10 / 40 for a mall) = 1 floor person = 2; 1 over.
    first = by_hour[_ts(22, 10)]
    assert (first["actual_tickets"], first["cashiers_on_duty"]) == (0, 2)
    assert first["service_level_achieved"] == 1.0  # nobody queued
    assert (first["staff_needed"], first["hours_over_need"], first["hours_under_need"]) == (2, 1, 0)
    # 23rd 10:00: 2 on duty of the 3 planned: cashiers first, but one stays on the floor.
    ten = by_hour[_ts(23, 10)]
    assert (ten["cashiers_on_duty"], ten["staff_needed"], ten["hours_over_need"]) == (1, 2, 0)
    # 23rd 11:00: the counter was out, so the need is unknown; 12:00: nothing landed yet.
    assert by_hour[_ts(23, 11)]["staff_needed"] is None
    noon = by_hour[_ts(23, 12)]
    assert noon["actual_tickets"] is None and noon["service_level_achieved"] is None


def test_the_sql_erlang_functions_agree_with_the_planner(sample: Engine) -> None:
    from pipelines.planning.erlang import servers_for_service_level, service_level

    hour, wait = 1 / 60, 3 / 60  # minutes in the planner's unit, hours
    with sample.connect() as conn:
        for tickets, cashiers in ((45.5, 2), (45.5, 3), (120.0, 5), (0.0, 1), (80.0, 2)):
            got = conn.execute(
                text("select analytics.erlang_service_level(:t, :c)"), {"t": tickets, "c": cashiers}
            ).scalar_one()
            assert got == pytest.approx(service_level(tickets, 2 * hour, cashiers, wait))
            needed = conn.execute(
                text("select analytics.erlang_servers_needed(:t)"), {"t": tickets}
            ).scalar_one()
            assert needed == servers_for_service_level(tickets, 2 * hour, wait, 0.8)
