"""A night whose POS export is mostly bad: the gate fails and nothing is published."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pipelines.demo import simulated_landing, simulated_weather
from pipelines.orchestration.local_run import run_dag
from pipelines.settings import Settings, get_settings

BUSINESS_DATE = date(2026, 9, 14)


@pytest.fixture
def bad_night(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    os.environ["NIGHTSHIFT_LANDING_URL"] = str(tmp_path / "landing")
    get_settings.cache_clear()
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
        os.environ.pop("NIGHTSHIFT_LANDING_URL", None)
        get_settings.cache_clear()


@pytest.mark.slow
def test_failed_gate_stops_the_night_before_anything_is_published(
    bad_night: Settings, engine: Engine
) -> None:
    outcome = run_dag(bad_night, date(2026, 9, 15))
    states = {task.task_id: task.state for task in outcome.tasks}

    assert outcome.state == "failed"
    assert states["pos.validate"] == "failed"
    assert states["weather.validate"] == "success" and states["reviews.validate"] == "success"
    for task_id in ("pos.publish", "weather.publish", "reviews.publish", "train_traffic",
                    "forecast", "plan", "report"):  # fmt: skip
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
            text("select status, error from ops.pipeline_runs where logical_date = '2026-09-15'")
        ).one()
        quarantined = conn.execute(
            text(
                "select count(*) from quarantine.pos_lines"
                " where business_date = :d and reason = 'unknown store id'"
            ),
            {"d": BUSINESS_DATE},
        ).scalar_one()
    assert published == dict.fromkeys(published, 0)
    assert run.status == "failed"
    assert run.error.startswith("pos.validate: validation of pos_lines for 2026-09-14 failed")
    assert quarantined > 0
