"""What each task of the ``nightshift_nightly`` DAG does, callable without Airflow.

The DAG file only wires these together. Every function takes and returns small JSON-friendly
values (the run window as ISO dates, counts, MLflow run ids); data stays in PostgreSQL/MLflow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from pipelines import runs
from pipelines.monitoring import prometheus_push
from pipelines.settings import Settings, get_settings
from pipelines.stages import ingest as ingest_stage
from pipelines.stages import plan as plan_stage
from pipelines.stages import report as report_stage
from pipelines.stages import validate as validate_stage
from pipelines.warehouse import warehouse
from pipelines.window import RunWindow, is_backfill

WindowRef = dict[str, str]
Counts = dict[str, Any]


def open_run(
    interval_start: datetime,
    interval_end: datetime,
    logical_date: datetime | None,
    dag_run_id: str,
    started_at: datetime,
    run_type: str | None = None,
) -> WindowRef:
    """Derive the business date from the run's night and (re)open its ops.pipeline_runs row.
    ``run_type`` is Airflow's ("scheduled", "manual", "backfill", ...)."""
    settings = get_settings()
    window = RunWindow.from_interval(
        interval_start, interval_end, logical_date, dag_run_id, settings.tz,
        backfill=is_backfill(run_type),
    )  # fmt: skip
    runs.record_start(warehouse(settings), window, started_at)
    return window.to_ref()


def _context(window_ref: WindowRef) -> tuple[Engine, Settings, RunWindow]:
    """What every task needs: the migrated warehouse, the settings and its run window."""
    settings = get_settings()
    return warehouse(settings), settings, RunWindow.from_ref(window_ref)


def reference(window_ref: WindowRef) -> Counts:
    """Calendar, store master and loyalty members: everything the gates check against."""
    engine, settings, window = _context(window_ref)
    return ingest_stage.ingest_reference(engine, window, settings)


def extract(window_ref: WindowRef, source: str) -> list[dict[str, Any]]:
    engine, settings, window = _context(window_ref)
    return ingest_stage.extract(engine, window, settings, source)


def load(window_ref: WindowRef, staged: list[dict[str, Any]]) -> Counts:
    engine, _, window = _context(window_ref)
    return ingest_stage.load(engine, window, staged)


def validate_source(window_ref: WindowRef, source: str) -> Counts:
    engine, settings, window = _context(window_ref)
    return ingest_stage.validate(engine, window, settings, source)


def publish(window_ref: WindowRef, source: str) -> Counts:
    engine, settings, window = _context(window_ref)
    return ingest_stage.publish_source(engine, window, settings, source)


def validate_calendar(window_ref: WindowRef) -> Counts:
    engine, _, window = _context(window_ref)
    return validate_stage.validate_reference(engine, window)


# Training: each returns the MLflow run id and registry version of its decision.
def train_traffic(window_ref: WindowRef, full: bool = False) -> Counts:
    from pipelines.training import traffic

    return traffic.train(*_context(window_ref), full=full)


def train_sales(window_ref: WindowRef, full: bool = False) -> Counts:
    from pipelines.training import sales

    return sales.train(*_context(window_ref), full=full)


def train_sentiment(window_ref: WindowRef, full: bool = False) -> Counts:
    from pipelines.training import sentiment

    return sentiment.train(*_context(window_ref), full=full)


def train_churn(window_ref: WindowRef, full: bool = False) -> Counts:
    from pipelines.training import churn

    return churn.train(*_context(window_ref), full=full)


def forecast(window_ref: WindowRef) -> Counts:
    """Tonight's forecasts from the champions: hourly traffic (7 days), daily sales (14 days)."""
    from pipelines.stages import forecast as forecast_stage
    from pipelines.training import sales

    context = _context(window_ref)
    return forecast_stage.forecast_traffic(*context) | sales.forecast(*context)


def score_reviews(window_ref: WindowRef) -> Counts:
    from pipelines.stages import loyalty

    return loyalty.score_reviews(*_context(window_ref))


def score_customers(window_ref: WindowRef) -> Counts:
    from pipelines.stages import loyalty

    return loyalty.score_customers(*_context(window_ref))


def plan(window_ref: WindowRef) -> Counts:
    return plan_stage.plan_staffing(*_context(window_ref))


def promotions(window_ref: WindowRef) -> Counts:
    from pipelines.stages import promotions as promotions_stage

    return promotions_stage.plan_promotions(*_context(window_ref))


def rewards(window_ref: WindowRef) -> Counts:
    from pipelines.stages import rewards as rewards_stage

    return rewards_stage.assign_rewards(*_context(window_ref))


def send_reports(window_ref: WindowRef) -> Counts:
    """The managers' morning staffing emails (one per store)."""
    from pipelines.report import send_reports as send

    return send(*_context(window_ref))


def monitor(window_ref: WindowRef, dag_id: str | None = None) -> Counts:
    """Model performance, drift reports, data quality and degradation (pipelines.monitoring);
    ``dag_id``: whose task durations to record (inside Airflow)."""
    from pipelines.monitoring.stage import monitor as run_monitor

    return run_monitor(*_context(window_ref), dag_id=dag_id)


# The DAG's generic tasks look their work up here by name.
TRAINERS: dict[str, Callable[..., Counts]] = {
    "traffic": train_traffic,
    "sales": train_sales,
    "sentiment": train_sentiment,
    "churn": train_churn,
}
STAGES: dict[str, Callable[[WindowRef], Counts]] = {
    "forecast": forecast,
    "plan": plan,
    "promotions": promotions,
    "score_reviews": score_reviews,
    "score_customers": score_customers,
    "rewards": rewards,
}


def report(window_ref: WindowRef, results: dict[str, Counts]) -> Counts:
    """The run summary (JSON) of everything the night produced."""
    _, settings, window = _context(window_ref)
    return report_stage.write_run_summary(settings, window, results)


def close_run(window_ref: WindowRef, results: dict[str, Counts]) -> Counts:
    """Mark the run successful, keeping every stage's counts in ops.pipeline_runs, after
    pushing the night's figures to the Pushgateway (when configured; never fails the night)."""
    merged = {
        f"{stage}.{key}": value
        for stage, counts in results.items()
        for key, value in counts.items()
    }
    engine, settings, window = _context(window_ref)
    pushed = prometheus_push.push_night(
        settings, lambda: engine, window.business_date, True, datetime.now(UTC)
    )
    merged |= pushed.counts()
    runs.record_finish(engine, window, "success", merged)
    from pipelines.monitoring import durations

    durations.record(engine, settings, window)  # the whole night's, now that it is done
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
    pushed = prometheus_push.push_night(
        settings, lambda: warehouse(settings), window.business_date, False, datetime.now(UTC)
    )
    runs.record_finish(
        warehouse(settings), window, "failed", pushed.counts(), error=f"{task_id}: {error}"
    )
