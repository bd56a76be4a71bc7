"""
# nightshift_nightly

Every night at 02:00 business time (America/Lima by default) nightshift processes the business
day that just ended: it ingests the day's data, validates it, retrains the models, writes the
plans and sends the reports.

* **Partition**: a run's logical date is its night (the 02:00 trigger, however the run was
  made); it processes the 24 h before it, whose local start date is the business date (logical
  date 2026-11-22 → business date 2026-11-21). Re-running a logical date replaces exactly that
  date's outputs.
* **Flow**: `open_run → reference → {pos, weather, reviews}: extract → load → validate →
  publish → train_{traffic, sales, sentiment} → forecast → plan → promotions`, and
  `score_reviews → train_churn → score_customers → rewards`; `staffing_emails` after the plan;
  `monitor` (performance, drift, data quality, degradation) after the forecasts and scores;
  `run_summary → close_run`. Tasks pass references (dates, staged file paths, MLflow run ids,
  counts), never data frames.
* **Gate**: every source's validation (and the calendar's) must pass before any source is
  published to `core`; a failed gate fails the run at once (no retries) and nothing downstream
  runs. Rejected rows are kept in `quarantine.*` with the reason.
* **Models**: each `train_*` task trains a challenger, compares it with the champion on the
  same holdout and promotes it only if better (`ops.model_promotions`), or reuses the champion
  when its training data is unchanged; they share the one-slot `trainer` pool so parallel
  backfill runs never train at once. A backfill night reuses the model a night of the last
  `NIGHTSHIFT_BACKFILL_RETRAIN_DAYS` days used (most backfill nights then never wait for the
  trainer) and never moves the production `champion` alias. Inference loads the version its
  own night's decision names (`ops.model_promotions`), so side-by-side nights never mix. In a
  backfill, the steps that build on earlier nights (train_*, score_reviews) wait, rescheduled,
  for the same step of earlier nights still in flight: a backfill gives the same tables
  however its nights interleave.
* **Emails**: `staffing_emails` sends each store manager their plan; an SMTP outage fails that
  task alone (after retries): the plans are already published.
* **Log**: every run is one row of `ops.pipeline_runs`, keyed by logical date.

All logic lives in the `pipelines` package; this file only wires it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import CronTriggerTimetable, TaskGroup, dag, get_current_context, task

# Reading settings here is environment-only (no database, no network); it keeps the schedule's
# timezone and the business timezone one setting.
from pipelines.settings import get_settings

TIMEZONE = get_settings().timezone
SEND_TIME = get_settings().report_send_time  # None: email as soon as the plan is ready
# The train tasks' own queue: the GPU worker's under Celery (Kubernetes: the GPU pod below);
# the local executor runs every queue itself.
TRAIN_QUEUE = get_settings().train_queue
# One task group per source connector (see pipelines.sources.datasets.BY_SOURCE).
SOURCES = ("pos", "weather", "reviews")
TRAINER_POOL = "trainer"  # one slot: see pipelines.orchestration.local_run

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=30),
}


# KubernetesExecutor only (other executors ignore it): the train tasks' pods come from their
# own template, which asks for a GPU on a GPU node (docker/helm/values.yaml mounts it and sets
# NIGHTSHIFT_TRAIN_POD_TEMPLATE). A file path, not a pod_override: that would need the
# kubernetes client at parse time.
_TRAIN_TEMPLATE = get_settings().train_pod_template
TRAIN_POD: dict[str, Any] = {"pod_template_file": _TRAIN_TEMPLATE} if _TRAIN_TEMPLATE else {}


def _mark_failed(context: Any) -> None:
    """Task failure callback: email the data engineers, then record the failure in
    ops.pipeline_runs. The alert goes first and never raises, so it is sent even when the
    database is what failed."""
    from pipelines import alerts, nightly

    alerts.notify_task_failure(context)
    nightly.fail_run(
        context["data_interval_start"],
        context["data_interval_end"],
        context.get("logical_date"),
        context["run_id"],
        context["task_instance"].task_id,
        context.get("exception"),
    )


def _hold_until_morning() -> Any:
    """Managers read their email at the start of the day, not at 3 a.m.: wait (deferred, no
    worker slot held) until SEND_TIME on the logical date; a backfill's past mornings pass."""
    from airflow.providers.standard.sensors.date_time import DateTimeSensorAsync

    assert SEND_TIME is not None
    local_end = f"data_interval_end.in_timezone('{TIMEZONE}')"
    target = (
        f"{{{{ {local_end}.replace(hour={SEND_TIME.hour}, minute={SEND_TIME.minute}, "
        "second=0).isoformat() }}"
    )
    return DateTimeSensorAsync(
        task_id="hold_until_morning",
        target_time=target,
        execution_timeout=timedelta(hours=12),
        retries=0,
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
    # No interval: Airflow then labels every run with its trigger time, the night, whatever
    # made it (scheduler, backfill, a manual trigger, `nightshift run`). With a 24-hour
    # interval, scheduled and backfill runs carry the interval's start instead, so a backfill
    # took a hand-run night for the next one and skipped that. The window is derived below.
    schedule=CronTriggerTimetable("0 2 * * *", timezone=TIMEZONE),
    start_date=pendulum.datetime(2024, 1, 1, tz=TIMEZONE),
    catchup=False,
    # Backfills run dates side by side; three keeps a 2-core machine busy without thrashing.
    max_active_runs=3,
    default_args=DEFAULT_ARGS | {"on_failure_callback": _mark_failed},
    # Long enough for a night held until the morning email (02:00 -> 07:00) plus slack.
    dagrun_timeout=timedelta(hours=10),
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
            ctx["dag_run"].run_type,
        )

    @task
    def reference(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.reference(window)

    @task
    def extract(window: dict[str, str], source: str) -> list[dict[str, Any]]:
        from pipelines import nightly

        return nightly.extract(window, source)

    @task
    @_fail_fast_on_bad_data  # a file unreadable as a whole does not get better by retrying
    def load(window: dict[str, str], staged: list[dict[str, Any]]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.load(window, staged)

    @task
    @_fail_fast_on_bad_data
    def validate(window: dict[str, str], source: str) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.validate_source(window, source)

    @task
    def publish(window: dict[str, str], source: str) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.publish(window, source)

    @task
    @_fail_fast_on_bad_data
    def validate_calendar(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.validate_calendar(window)

    @task(
        pool=TRAINER_POOL,
        queue=TRAIN_QUEUE,
        execution_timeout=timedelta(minutes=45),
        executor_config=TRAIN_POD,
    )
    def train(window: dict[str, str], model: str) -> dict[str, Any]:
        from pipelines import nightly
        from pipelines.orchestration.night_order import wait_for_earlier_nights

        wait_for_earlier_nights(get_current_context())  # backfills: in date order
        return nightly.TRAINERS[model](window)

    @task
    def stage(window: dict[str, str], name: str) -> dict[str, Any]:
        from pipelines import nightly
        from pipelines.orchestration.night_order import ORDERED_STEPS, wait_for_earlier_nights

        if name in ORDERED_STEPS:
            wait_for_earlier_nights(get_current_context())  # backfills: in date order
        return nightly.STAGES[name](window)

    @task(retries=3)  # an SMTP outage gets a few more tries; only this task fails with it
    def staffing_emails(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.send_reports(window)

    @task
    def monitor(window: dict[str, str]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.monitor(window, dag_id=get_current_context()["ti"].dag_id)

    @task
    def run_summary(window: dict[str, str], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.report(window, results)

    @task
    def close_run(window: dict[str, str], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
        from pipelines import nightly

        return nightly.close_run(window, results)

    def step(name: str) -> Any:
        return stage.override(task_id=name)(window, name)

    window = open_run()
    references = reference(window)
    calendar_gate = validate_calendar(window)
    references >> calendar_gate
    gates, published = [calendar_gate], {}
    for source in SOURCES:
        with TaskGroup(
            group_id=source, tooltip=f"{source}: extract -> load -> validate -> publish"
        ):
            staged = extract.override(task_id="extract")(window, source)
            references >> staged
            checked = validate.override(task_id="validate")(window, source)
            load.override(task_id="load")(window, staged) >> checked
            published[source] = publish.override(task_id="publish")(window, source)
        gates.append(checked)
    # Nothing is published for the date unless every gate passed.
    for task_ref in published.values():
        gates >> task_ref
    trained = {
        model: train.override(task_id=f"train_{model}")(window, model)
        for model in ("traffic", "sales", "sentiment", "churn")
    }
    for model_task in trained.values():
        list(published.values()) >> model_task
    stages = {name: step(name) for name in ("forecast", "plan", "promotions")}
    stages |= {name: step(name) for name in ("score_reviews", "score_customers", "rewards")}
    [trained["traffic"], trained["sales"]] >> stages["forecast"] >> stages["plan"]
    stages["plan"] >> stages["promotions"]
    # Churn features use tonight's review sentiment, so churn trains after reviews are scored.
    trained["sentiment"] >> stages["score_reviews"] >> trained["churn"]
    trained["churn"] >> stages["score_customers"] >> stages["rewards"]
    emails = staffing_emails(window)
    [stages["plan"], stages["score_reviews"]] >> emails
    if SEND_TIME is not None:
        emails << _hold_until_morning()
    # Watches the night's models once their forecasts and scores are written.
    watched = monitor(window)
    [stages["forecast"], stages["score_reviews"], stages["score_customers"]] >> watched
    results = (
        {"reference": references}
        | {f"publish_{source}": task_ref for source, task_ref in published.items()}
        | {f"train_{name}": task_ref for name, task_ref in trained.items()}
        | stages
        | {"monitor": watched}
    )
    summary = run_summary(window, results)
    close_run(window, results | {"run_summary": summary, "staffing_emails": emails})


nightshift_nightly()
