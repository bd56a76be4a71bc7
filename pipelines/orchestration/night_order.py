"""Backfill nights side by side, but in date order where one night builds on the one before.

A backfill runs up to three nights at once. Most of a night depends only on its own date, but
a few steps read what earlier nights wrote: a train task reuses (or compares with, or warm-starts
from) an earlier night's model, and review scoring scores the reviews earlier nights have not
scored yet. Were a later night to run such a step first, it would see a different history, and
two runs of the same backfill would differ. So in a backfill each of these steps waits until the
same step of every earlier night still in flight has finished, without holding a worker slot or
the trainer pool: it is rescheduled (``up_for_reschedule``, no retry used up) and looks again.
Scheduled and manual nights never wait: they run one at a time anyway.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pipelines.orchestration.local_run import DAG_ID, logical_datetime
from pipelines.settings import get_settings
from pipelines.window import is_backfill

# Steps that read what earlier nights wrote (see the module docstring).
ORDERED_STEPS = ("train_traffic", "train_sales", "train_sentiment", "train_churn", "score_reviews")
# Earlier nights that can still be in flight: a backfill's runs start in date order, at most
# max_active_runs at a time; a month back covers any run a person started by hand.
LOOKBACK_NIGHTS = 31
FINISHED = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})
RECHECK = timedelta(seconds=15)
# Past this, a night stops waiting (an earlier run nobody will ever finish must not block it).
PATIENCE = timedelta(hours=12)


def earlier_nights(night: date, lookback: int = LOOKBACK_NIGHTS) -> list[datetime]:
    """The logical dates (02:00 business time) of the ``lookback`` nights before ``night``."""
    tz = get_settings().tz
    return [logical_datetime(night - timedelta(days=k), tz) for k in range(1, lookback + 1)]


def unfinished(states: dict[str, dict[str, Any]], task_id: str) -> list[str]:
    """The runs (of a ``get_task_states`` answer) whose ``task_id`` has not finished."""
    return sorted(
        run
        for run, tasks in states.items()
        if task_id in tasks and str(tasks[task_id]) not in FINISHED
    )


def wait_for_earlier_nights(context: Any) -> None:
    """In a backfill: raise AirflowRescheduleException while an earlier night's run of this
    task is unfinished; return at once otherwise."""
    from airflow.sdk.exceptions import AirflowRescheduleException
    from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

    if not is_backfill(context["dag_run"].run_type):
        return
    task_id = context["ti"].task_id
    now = datetime.now(UTC)
    started = context["dag_run"].start_date
    if started is not None and now - started > PATIENCE:
        return
    night = context["logical_date"].astimezone(get_settings().tz).date()
    states = RuntimeTaskInstance.get_task_states(
        dag_id=DAG_ID, task_ids=[task_id], logical_dates=earlier_nights(night)
    )
    waiting = unfinished(states, task_id)
    if waiting:
        print(f"{task_id} waits for the same step of earlier nights still in flight: {waiting}")
        raise AirflowRescheduleException(now + RECHECK)
