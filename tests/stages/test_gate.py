"""The validation gate and the failure hook, on the real warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text

from pipelines import nightly, runs
from pipelines.errors import ValidationFailed
from pipelines.settings import Settings
from pipelines.stages.ingest import ingest_reference
from pipelines.stages.validate import validate_reference
from pipelines.window import RunWindow


def _window(settings: Settings) -> RunWindow:
    return RunWindow.from_interval(
        datetime(2032, 3, 10, 7, tzinfo=UTC),
        datetime(2032, 3, 11, 7, tzinfo=UTC),
        None,
        "test-gate",
        settings.tz,
    )


def test_ingested_calendar_passes_the_gate(engine: Engine, settings: Settings) -> None:
    window = _window(settings)
    counts = ingest_reference(engine, window, settings)
    assert counts["calendar_days"] > 365
    assert validate_reference(engine, window)["calendar_rows_validated"] == 42


def test_missing_calendar_days_stop_the_run(engine: Engine, settings: Settings) -> None:
    window = _window(settings)
    ingest_reference(engine, window, settings)
    with engine.begin() as conn:
        conn.execute(
            text("delete from ref.calendar where date between '2032-02-20' and '2032-03-20'")
        )
    with pytest.raises(ValidationFailed, match="expect_table_row_count_to_be_between"):
        validate_reference(engine, window)


def test_failure_hook_marks_the_run_failed_with_task_and_error(
    engine: Engine, settings: Settings
) -> None:
    window = _window(settings)
    runs.record_start(engine, window, datetime(2032, 3, 11, 7, 1, tzinfo=UTC))
    nightly.fail_run(
        window.interval_start,
        window.interval_end,
        None,
        "test-gate",
        "validate",
        ValidationFailed("3 rows out of range"),
    )
    row = runs.fetch(engine, date(2032, 3, 11))
    assert row is not None and row["status"] == "failed"
    assert row["error"] == "validate: 3 rows out of range"


def test_the_dag_turns_bad_data_into_a_failure_without_retries() -> None:
    from airflow.sdk.exceptions import AirflowFailException

    from dags.nightshift_nightly import _fail_fast_on_bad_data

    def gate() -> None:
        raise ValidationFailed("suite failed")

    def flaky() -> None:
        raise ConnectionError("database restarted")

    with pytest.raises(AirflowFailException, match="suite failed"):
        _fail_fast_on_bad_data(gate)()
    with pytest.raises(ConnectionError):  # transient errors keep their retries
        _fail_fast_on_bad_data(flaky)()
