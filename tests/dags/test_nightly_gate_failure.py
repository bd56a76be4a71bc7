"""A night whose POS export is mostly bad: the gate fails and nothing is published.

The run gets its own warehouse database, so "the latest plan" means the one this test wrote
(other tests write plans for later dates into the shared one), and an SMTP server, so the
failure alert the data engineers would receive can be read back.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pipelines.demo import simulated_landing, simulated_weather
from pipelines.ingest import reference
from pipelines.orchestration.local_run import run_dag
from pipelines.settings import Settings, get_settings
from pipelines.warehouse import warehouse
from tests.mail_sink import MailSink, smtp_sink
from tests.monitoring.pushgateway import pushed_samples, running_pushgateway

BUSINESS_DATE = date(2026, 9, 14)
PREVIOUS_PLAN_DATE = BUSINESS_DATE - timedelta(days=1)


def _set_env(values: dict[str, str]) -> dict[str, str | None]:
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    get_settings.cache_clear()
    return previous


def _restore_env(previous: dict[str, str | None]) -> None:
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()


@pytest.fixture
def alert_inbox() -> Iterator[MailSink]:
    """A real SMTP server on the configured SMTP host/port for the whole run."""
    with smtp_sink() as sink:
        previous = _set_env(
            {"NIGHTSHIFT_SMTP_HOST": sink.host, "NIGHTSHIFT_SMTP_PORT": str(sink.port)}
        )
        try:
            yield sink
        finally:
            _restore_env(previous)


@pytest.fixture
def private_warehouse(fresh_engine: Engine) -> Iterator[None]:
    url = fresh_engine.url.render_as_string(hide_password=False)
    previous = _set_env({"NIGHTSHIFT_DATABASE_URL": url})
    try:
        yield
    finally:
        _restore_env(previous)


@pytest.fixture
def night_gateway() -> Iterator[str]:
    """A real Pushgateway the night pushes its figures to (its failure callback included)."""
    with running_pushgateway() as url:
        previous = _set_env({"NIGHTSHIFT_PUSHGATEWAY_URL": url})
        try:
            yield url
        finally:
            _restore_env(previous)


@pytest.fixture
def bad_night(
    alert_inbox: MailSink,
    night_gateway: str,
    private_warehouse: None,
    settings: Settings,
    tmp_path: Path,
) -> Iterator[Settings]:
    previous = _set_env({"NIGHTSHIFT_LANDING_URL": str(tmp_path / "landing")})
    try:
        night = get_settings()
        landing = simulated_landing(
            night, stores=2, start=date(2026, 9, 7), end=BUSINESS_DATE, seed=11
        )
        export = landing / "pos" / BUSINESS_DATE.isoformat() / "transactions.csv"
        rows = list(csv.DictReader(export.open(encoding="utf-8")))
        for row in rows[: int(len(rows) * 0.7)]:
            row["store_id"] = "XXX-UNKNOWN"
        with export.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        with simulated_weather(night):
            yield get_settings()
    finally:
        _restore_env(previous)


def _write_previous_plan(engine: Engine, landing: str) -> None:
    """Last night's plan: one staffing hour for a store of the chain (ref.stores needs it)."""
    reference.load_stores(engine, landing)
    with engine.begin() as conn:
        store_id = conn.execute(text("select min(store_id) from ref.stores")).scalar_one()
        conn.execute(
            text(
                "insert into plan.staffing (run_date, store_id, ts_local, role, business_date,"
                " traffic_p50, planned_quantile, traffic_planned, expected_transactions,"
                " required, staff, binding_rule, service_level, rationale, model_version)"
                " values (:run_date, :store_id, :ts_local, 'cashier', :business_date, 40, 'p80',"
                " 48, 20, 2, 2, 'service level', 0.85, 'last night''s plan', 'traffic/1')"
            ),
            {
                "run_date": PREVIOUS_PLAN_DATE,
                "store_id": store_id,
                "ts_local": datetime.combine(BUSINESS_DATE, datetime.min.time()).replace(hour=12),
                "business_date": BUSINESS_DATE,
            },
        )


@pytest.mark.slow
def test_failed_gate_stops_the_night_before_anything_is_published(
    bad_night: Settings, alert_inbox: MailSink, night_gateway: str
) -> None:
    engine = warehouse(bad_night)  # the run's private database, migrated
    _write_previous_plan(engine, bad_night.landing)

    outcome = run_dag(bad_night, date(2026, 9, 15))
    states = {task.task_id: task.state for task in outcome.tasks}

    assert outcome.state == "failed"
    assert states["pos.validate"] == "failed"
    assert states["weather.validate"] == "success" and states["reviews.validate"] == "success"
    for task_id in ("pos.publish", "weather.publish", "reviews.publish", "train_traffic",
                    "forecast", "plan", "staffing_emails", "run_summary"):  # fmt: skip
        assert states[task_id] == "upstream_failed", task_id

    with engine.connect() as conn:
        published = {
            table: conn.execute(
                text(f"select count(*) from core.{table} where business_date = :d"),
                {"d": BUSINESS_DATE},
            ).scalar_one()
            for table in ("pos_lines", "door_counts", "reviews", "weather_hourly")
        }
        run = conn.execute(
            text(
                "select status, error, counts from ops.pipeline_runs"
                " where logical_date = '2026-09-15'"
            )
        ).one()
        quarantined = conn.execute(
            text(
                "select count(*) from quarantine.pos_lines"
                " where business_date = :d and reason = 'unknown store id'"
            ),
            {"d": BUSINESS_DATE},
        ).scalar_one()
        latest_plan = conn.execute(text("select max(run_date) from plan.staffing")).scalar_one()
        failed_date_plans = conn.execute(
            text("select count(*) from plan.staffing where run_date = :d"), {"d": BUSINESS_DATE}
        ).scalar_one()
    assert published == dict.fromkeys(published, 0)
    assert run.status == "failed"
    assert run.error.startswith("pos.validate: validation of pos_lines for 2026-09-14 failed")
    assert quarantined > 0
    # The previous day's plans stay the latest: nothing was planned for the failed date.
    assert latest_plan == PREVIOUS_PLAN_DATE
    assert failed_date_plans == 0

    # Needs `alerts.notify_task_failure(context)` in the DAG's _mark_failed callback.
    alerts = [r for r in alert_inbox.wait_for(1) if "pos.validate" in str(r.message["Subject"])]
    assert len(alerts) == 1, [r.message["Subject"] for r in alert_inbox.received]
    assert alerts[0].recipients == [bad_night.alert_email]
    assert alerts[0].message["Subject"] == (
        "[nightshift] nightshift_nightly.pos.validate failed — business date 2026-09-14"
    )
    body = alerts[0].message.get_content()
    assert "Business date: 2026-09-14" in body
    assert "validation of pos_lines for 2026-09-14 failed" in body

    # The failure callback pushed the failed night to the Pushgateway, for the alert rules.
    pushed = pushed_samples(night_gateway, "nightshift_nightly")
    assert pushed[("nightshift_night_success", frozenset())] == 0
    assert pushed[("nightshift_quarantine_rate", frozenset({("source", "pos_lines")}))] > 0.6
    assert run.counts["metrics.pushed"] is True
