"""Task-failure alerts: the message, delivery to a real SMTP server, and a dead server."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from pipelines import alerts
from pipelines.alerts import TaskFailure, failure_message
from pipelines.settings import Settings, get_settings
from tests.mail_sink import HOST, free_port, smtp_sink

LIMA = ZoneInfo("America/Lima")
FAILURE = TaskFailure(
    dag_id="nightshift_nightly",
    task_id="pos.validate",
    dag_run_id="scheduled__2026-11-22T07:00:00+00:00",
    logical_date=datetime(2026, 11, 22, 2, tzinfo=LIMA),
    business_date=date(2026, 11, 21),
    try_number=1,
    error="AirflowFailException: validation of pos_lines for 2026-11-21 failed",
    log_url="http://nightshift.example:8080/dags/nightshift_nightly/runs/r/tasks/pos.validate",
)
FAILING_DAGS = Path(__file__).parent / "dags" / "failing_dags"


def _context(error: BaseException | None = None) -> dict:
    """The parts of an Airflow task context the alert reads, for a scheduled nightly run."""
    ti = SimpleNamespace(
        dag_id="nightshift_nightly",
        task_id="weather.extract",
        run_id="scheduled__2026-11-22T07:00:00+00:00",
        try_number=3,
        log_url="http://localhost:8080/dags/nightshift_nightly/runs/x/tasks/weather.extract",
    )
    return {
        "task_instance": ti,
        "run_id": ti.run_id,
        "logical_date": datetime(2026, 11, 22, 7, tzinfo=UTC),
        # The nightly timetable's runs: the "interval" is the night itself.
        "data_interval_start": datetime(2026, 11, 22, 7, tzinfo=UTC),
        "data_interval_end": datetime(2026, 11, 22, 7, tzinfo=UTC),
        "exception": error or ConnectionError("weather API down\nretried 4 times"),
    }


@pytest.fixture
def smtp_env() -> Iterator[None]:
    """Restore the SMTP/Airflow environment (and get_settings' cache) after a test changes it."""
    keys = (
        "NIGHTSHIFT_SMTP_HOST",
        "NIGHTSHIFT_SMTP_PORT",
        "AIRFLOW__API__BASE_URL",
        "AIRFLOW__CORE__DAGS_FOLDER",
    )
    previous = {key: os.environ.get(key) for key in keys}
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


def _point_smtp_at(port: int) -> None:
    os.environ["NIGHTSHIFT_SMTP_HOST"] = HOST
    os.environ["NIGHTSHIFT_SMTP_PORT"] = str(port)
    get_settings.cache_clear()


def test_message_names_task_dates_try_error_and_log_link() -> None:
    message = failure_message(FAILURE, "oncall@example.pe")

    assert message["To"] == "oncall@example.pe"
    assert message["Subject"] == (
        "[nightshift] nightshift_nightly.pos.validate failed — business date 2026-11-21"
    )
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    for expected in (
        "DAG:           nightshift_nightly",
        "Task:          pos.validate",
        "Logical date:  2026-11-22T02:00:00-05:00",
        "Business date: 2026-11-21",
        "Try number:    1",
        "AirflowFailException: validation of pos_lines for 2026-11-21 failed",
        f"Log: {FAILURE.log_url}",
    ):
        assert expected in body, expected


def test_error_excerpt_keeps_the_first_lines_only() -> None:
    error = ValueError("\n".join(f"line {i}" for i in range(100)))
    excerpt = alerts.error_excerpt(error)
    assert excerpt.startswith("ValueError: line 0\nline 1\n")
    assert "line 14" in excerpt and "line 15" not in excerpt
    assert excerpt.endswith("[... truncated, see the log]")
    assert alerts.error_excerpt("short") == "short"
    assert "no exception" in alerts.error_excerpt(None)


def test_context_gives_the_business_date_like_the_run_window() -> None:
    failure = alerts.failure_from_context(_context(), LIMA)

    assert failure.business_date == date(2026, 11, 21)  # the 24 h from 21 Nov, 02:00 Lima
    assert failure.logical_date == datetime(2026, 11, 22, 2, tzinfo=LIMA)
    assert (failure.task_id, failure.try_number) == ("weather.extract", 3)
    assert failure.error == "ConnectionError: weather API down\nretried 4 times"
    assert failure.log_url is not None and failure.log_url.endswith("/tasks/weather.extract")


def test_context_without_an_interval_still_gives_an_alert() -> None:
    context = _context() | {"data_interval_start": None, "data_interval_end": None}
    failure = alerts.failure_from_context(context, LIMA)
    assert failure.business_date is None
    subject = failure_message(failure, "x@example.pe")["Subject"]
    assert subject.endswith("failed — run scheduled__2026-11-22T07:00:00+00:00")


def test_alert_is_delivered_to_the_data_engineers(settings: Settings) -> None:
    with smtp_sink() as sink:
        local = settings.model_copy(update={"smtp_host": sink.host, "smtp_port": sink.port})
        assert alerts.send_failure_alert(local, FAILURE) is True
        received = sink.wait_for(1)

    assert len(received) == 1
    assert received[0].recipients == [settings.alert_email]
    message = received[0].message
    assert message["From"] == settings.smtp_sender
    assert message["Subject"] == failure_message(FAILURE, "x")["Subject"]
    assert "Business date: 2026-11-21" in message.get_content()


def test_callback_reads_settings_and_sends(smtp_env: None) -> None:
    with smtp_sink() as sink:
        _point_smtp_at(sink.port)
        alerts.notify_task_failure(_context())
        received = sink.wait_for(1)
    assert [r.message["Subject"] for r in received] == [
        "[nightshift] nightshift_nightly.weather.extract failed — business date 2026-11-21"
    ]


def test_smtp_down_logs_a_warning_and_does_not_raise(
    smtp_env: None, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alerts, "ALERT_WAIT_S", 0.01)
    _point_smtp_at(free_port())  # nothing listens there: every attempt is refused

    with caplog.at_level(logging.WARNING, logger="pipelines.alerts"):
        alerts.notify_task_failure(_context())

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "weather.extract" in warnings[0].getMessage()
    assert f"{HOST}:{os.environ['NIGHTSHIFT_SMTP_PORT']}" in warnings[0].getMessage()


def test_a_broken_context_is_only_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipelines.alerts"):
        alerts.notify_task_failure({})  # no task_instance at all
    assert "could not be prepared or sent" in caplog.text


_PROBE = """
import sys
from datetime import date
from airflow.dag_processing.dagbag import DagBag
from pipelines.orchestration.local_run import logical_datetime, migrate_airflow_metadata
from pipelines.settings import get_settings

migrate_airflow_metadata()
bag = DagBag(dag_folder=sys.argv[1])
assert not bag.import_errors, bag.import_errors
run = bag.get_dag("nightshift_alert_probe").test(
    logical_date=logical_datetime(date.fromisoformat(sys.argv[2]), get_settings().tz)
)
print(f"PROBE {run.state} {run.run_id}")
"""


def _run_probe(settings: Settings, day: date) -> tuple[str, str]:
    """dag.test of the probe DAG (one task that always fails) in a fresh interpreter: Airflow
    binds its DAG bundle to the first DAG folder a process uses, and this one differs from the
    project's. Returns (run state, run id)."""
    from pipelines.orchestration.airflow_env import airflow_environment

    env = (
        os.environ
        | airflow_environment(settings)
        | {"AIRFLOW__CORE__DAGS_FOLDER": str(FAILING_DAGS)}
    )
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(FAILING_DAGS), day.isoformat()],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    found = re.search(r"^PROBE (\S+) (\S+)$", done.stdout, re.M)
    assert found, done.stdout[-2000:] + done.stderr[-3000:]
    return found.group(1), found.group(2)


@pytest.mark.slow
def test_a_failing_airflow_task_emails_its_failure(smtp_env: None, settings: Settings) -> None:
    base_url = "http://nightshift-airflow.example:8080/"
    os.environ["AIRFLOW__API__BASE_URL"] = base_url
    with smtp_sink() as sink:
        _point_smtp_at(sink.port)
        state, run_id = _run_probe(get_settings(), date(2026, 11, 22))
        received = sink.wait_for(1)

    assert state == "failed"
    assert len(received) == 1, [r.message["Subject"] for r in received]
    message = received[0].message
    assert received[0].recipients == [settings.alert_email]
    assert message["Subject"] == (
        "[nightshift] nightshift_alert_probe.explode failed — business date 2026-11-21"
    )
    body = message.get_content().replace("\r\n", "\n")  # SMTP line endings
    assert "Business date: 2026-11-21" in body
    assert "Logical date:  2026-11-22T02:00:00-05:00" in body
    assert "Try number:    1" in body
    assert "RuntimeError: the probe fails on purpose\nsecond line of the error" in body
    log_line = next(line for line in body.splitlines() if line.startswith("Log: "))
    assert log_line.startswith(f"Log: {base_url}dags/nightshift_alert_probe/runs/")
    assert "/tasks/explode" in log_line
    assert f"/runs/{quote(run_id)}/" in log_line
