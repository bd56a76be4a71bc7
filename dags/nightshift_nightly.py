"""
# nightshift_nightly

Every night at 02:00 business time (America/Lima by default) nightshift processes the business
day that just ended: it ingests the day's data, validates it, retrains the models, writes the
plans and sends the reports.

* **Partition**: the run's data interval is the 24 h before its logical date; the business date
  is the local date on which that interval starts (logical date 2026-11-22 → business date
  2026-11-21). Re-running a logical date replaces exactly that date's outputs.
* **Flow**: `open_run → ingest → validate → train → plan → report → close_run`. Tasks pass
  references (dates, MLflow run ids, counts), never data frames.
* **Gate**: a failed validation fails the run at once (no retries) and nothing downstream runs.
* **Log**: every run is one row of `ops.pipeline_runs`, keyed by logical date.

All logic lives in the `pipelines` package; this file only wires it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, get_current_context, task

# Reading settings here is environment-only (no database, no network); it keeps the schedule's
# timezone and the business timezone one setting.
from pipelines.settings import get_settings

TIMEZONE = get_settings().timezone

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=30),
}


def _mark_failed(context: Any) -> None:
    """Task failure callback: record the failure in ops.pipeline_runs."""
    from pipelines import nightly

    nightly.fail_run(
        context["data_interval_start"],
        context["data_interval_end"],
        context.get("logical_date"),
        context["run_id"],
        context["task_instance"].task_id,
        context.get("exception"),
    )


def _fail_fast_on_bad_data(func: Any) -> Any:
    """Validation failures are not transient: fail without retrying."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from airflow.sdk.exceptions import AirflowFailException

        from pipelines.errors import ValidationFailed

        try:
            return func(*args, **kwargs)
        except ValidationFailed as error:
            raise AirflowFailException(str(error)) from error

    return wrapper


@dag(
    dag_id="nightshift_nightly",
    schedule=CronTriggerTimetable("0 2 * * *", timezone=TIMEZONE, interval=timedelta(days=1)),
    start_date=pendulum.datetime(2024, 1, 1, tz=TIMEZONE),
    catchup=False,
    # Backfills run dates side by side; three keeps a 2-core machine busy without thrashing.
    max_active_runs=3,
    default_args=DEFAULT_ARGS | {"on_failure_callback": _mark_failed},
    dagrun_timeout=timedelta(hours=3),
    doc_md=__doc__,
    tags=["nightshift", "nightly", "ml"],
)
def nightshift_nightly() -> None:
    @task
    def open_run() -> dict[str, str]:
        from pipelines import nightly

        ctx = get_current_context()
        return nightly.open_run(
            ctx["data_interval_start"],
            ctx["data_interval_end"],
            ctx.get("logical_date"),
            ctx["run_id"],
            ctx["ti"].start_date,
        )

    @task
    def ingest(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.ingest(window)

    @task
    @_fail_fast_on_bad_data
    def validate(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.validate(window)

    @task
    def train(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.train(window)

    @task
    def plan(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.plan(window)

    @task
    def report(window: dict[str, str], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.report(window, results)

    @task
    def close_run(window: dict[str, str], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.close_run(window, results)

    window = open_run()
    ingested = ingest(window)
    validated = validate(window)
    trained = train(window)
    planned = plan(window)
    ingested >> validated >> trained >> planned
    results = {"ingest": ingested, "validate": validated, "train": trained, "plan": planned}
    reported = report(window, results)
    close_run(window, results | {"report": reported})


nightshift_nightly()
