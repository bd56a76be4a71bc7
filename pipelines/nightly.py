"""What each task of the ``nightshift_nightly`` DAG does, callable without Airflow.

The DAG file only wires these together. Every function takes and returns small JSON-friendly
values (the run window as ISO dates, counts, MLflow run ids); data stays in PostgreSQL/MLflow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipelines import runs
from pipelines.settings import get_settings
from pipelines.stages import ingest as ingest_stage
from pipelines.stages import plan as plan_stage
from pipelines.stages import report as report_stage
from pipelines.stages import validate as validate_stage
from pipelines.warehouse import warehouse
from pipelines.window import RunWindow

WindowRef = dict[str, str]
Counts = dict[str, Any]


def open_run(
    interval_start: datetime,
    interval_end: datetime,
    logical_date: datetime | None,
    dag_run_id: str,
    started_at: datetime,
) -> WindowRef:
    """Derive the business date from the data interval and (re)open its ops.pipeline_runs row."""
    settings = get_settings()
    window = RunWindow.from_interval(
        interval_start, interval_end, logical_date, dag_run_id, settings.tz
    )
    runs.record_start(warehouse(settings), window, started_at)
    return window.to_ref()


def reference(window_ref: WindowRef) -> Counts:
    """Calendar, store master and loyalty members: everything the gates check against."""
    settings = get_settings()
    window = RunWindow.from_ref(window_ref)
    return ingest_stage.ingest_reference(warehouse(settings), window, settings)


def extract(window_ref: WindowRef, source: str) -> list[dict[str, Any]]:
    settings = get_settings()
    window = RunWindow.from_ref(window_ref)
    return ingest_stage.extract(warehouse(settings), window, settings, source)


def load(window_ref: WindowRef, staged: list[dict[str, Any]]) -> Counts:
    return ingest_stage.load(warehouse(get_settings()), RunWindow.from_ref(window_ref), staged)


def validate_source(window_ref: WindowRef, source: str) -> Counts:
    settings = get_settings()
    return ingest_stage.validate(
        warehouse(settings), RunWindow.from_ref(window_ref), settings, source
    )


def publish(window_ref: WindowRef, source: str) -> Counts:
    settings = get_settings()
    return ingest_stage.publish_source(
        warehouse(settings), RunWindow.from_ref(window_ref), settings, source
    )


def validate_calendar(window_ref: WindowRef) -> Counts:
    return validate_stage.validate_reference(
        warehouse(get_settings()), RunWindow.from_ref(window_ref)
    )


def train_traffic(window_ref: WindowRef) -> Counts:
    from pipelines.training import traffic

    settings = get_settings()
    return traffic.train(warehouse(settings), settings, RunWindow.from_ref(window_ref))


def train_sales(window_ref: WindowRef) -> Counts:
    from pipelines.training import sales

    settings = get_settings()
    return sales.train(warehouse(settings), settings, RunWindow.from_ref(window_ref))


def forecast(window_ref: WindowRef) -> Counts:
    """Tonight's forecasts from the champions: hourly traffic (7 days), daily sales (14 days)."""
    from pipelines.stages import forecast as forecast_stage
    from pipelines.training import sales

    settings = get_settings()
    engine, window = warehouse(settings), RunWindow.from_ref(window_ref)
    return forecast_stage.forecast_traffic(engine, settings, window) | sales.forecast(
        engine, settings, window
    )


def plan(window_ref: WindowRef) -> Counts:
    settings = get_settings()
    return plan_stage.plan_staffing(warehouse(settings), settings, RunWindow.from_ref(window_ref))


def report(window_ref: WindowRef, results: dict[str, Counts]) -> Counts:
    return report_stage.write_run_summary(get_settings(), RunWindow.from_ref(window_ref), results)


def close_run(window_ref: WindowRef, results: dict[str, Counts]) -> Counts:
    """Mark the run successful, keeping every stage's counts in ops.pipeline_runs."""
    merged = {
        f"{stage}.{key}": value
        for stage, counts in results.items()
        for key, value in counts.items()
    }
    runs.record_finish(warehouse(get_settings()), RunWindow.from_ref(window_ref), "success", merged)
    return merged


def fail_run(
    interval_start: datetime,
    interval_end: datetime,
    logical_date: datetime | None,
    dag_run_id: str,
    task_id: str,
    error: BaseException | str | None,
) -> None:
    """Failure hook: mark the logical date's run failed, naming the task and the error."""
    settings = get_settings()
    window = RunWindow.from_interval(
        interval_start, interval_end, logical_date, dag_run_id, settings.tz
    )
    runs.record_finish(warehouse(settings), window, "failed", error=f"{task_id}: {error}")
