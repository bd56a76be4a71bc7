"""Email the data engineers when a task of the nightly DAG fails, or when a model serves its
simple baseline because no challenger beat it (``send_baseline_alert``).

``notify_task_failure`` is called from the DAG's ``on_failure_callback`` with Airflow's task
context. Reading the context (``failure_from_context``) is kept apart from writing the message
(``failure_message``, plain values in, ``EmailMessage`` out) so the wording is testable without
Airflow. A callback must never raise: Airflow would only log it, and the run's own failure
bookkeeping in the same callback must still happen, so delivery problems become a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from pipelines import mail
from pipelines.errors import MailUndeliverable
from pipelines.settings import Settings, get_settings
from pipelines.window import RunWindow

log = logging.getLogger(__name__)

# Enough of the error to act on from a phone; the full traceback is behind the log link.
ERROR_MAX_LINES = 15
ERROR_MAX_CHARS = 2000
# A failing night should not be held up long by a dead mail server: ~3 s when refused.
ALERT_ATTEMPTS = 3
ALERT_WAIT_S = 1.0


@dataclass(frozen=True)
class TaskFailure:
    """What the alert says about one failed task try, as plain values."""

    dag_id: str
    task_id: str
    dag_run_id: str
    logical_date: datetime | None
    business_date: date | None
    try_number: int | None
    error: str
    log_url: str | None


def error_excerpt(error: BaseException | str | None) -> str:
    """The first lines of the error, prefixed by its type (``AirflowFailException: ...``)."""
    if error is None:
        return "(Airflow recorded no exception for this failure)"
    text = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)
    lines = text.strip().splitlines()
    excerpt = "\n".join(lines[:ERROR_MAX_LINES])
    if len(excerpt) > ERROR_MAX_CHARS:
        excerpt = excerpt[:ERROR_MAX_CHARS].rstrip()
    if excerpt != text.strip():
        excerpt += "\n[... truncated, see the log]"
    return excerpt


def failure_subject(failure: TaskFailure) -> str:
    when = (
        f"business date {failure.business_date.isoformat()}"
        if failure.business_date
        else f"run {failure.dag_run_id}"
    )
    return f"[nightshift] {failure.dag_id}.{failure.task_id} failed — {when}"


def failure_message(failure: TaskFailure, recipient: str) -> EmailMessage:
    """The plain-text alert for ``failure``, addressed to ``recipient`` (From: set on sending)."""
    business = failure.business_date.isoformat() if failure.business_date else "unknown"
    logical = failure.logical_date.isoformat() if failure.logical_date else "none (manual run)"
    attempt = str(failure.try_number) if failure.try_number is not None else "unknown"
    body = "\n".join(
        [
            f"Task {failure.task_id} of DAG {failure.dag_id} failed.",
            "",
            f"DAG:           {failure.dag_id}",
            f"Task:          {failure.task_id}",
            f"DAG run:       {failure.dag_run_id}",
            f"Logical date:  {logical}",
            f"Business date: {business}",
            f"Try number:    {attempt}",
            "",
            "Error:",
            failure.error,
            "",
            f"Log: {failure.log_url or '(no log link available)'}",
            "",
        ]
    )
    message = EmailMessage()
    message["To"] = recipient
    message["Subject"] = failure_subject(failure)
    message.set_content(body)
    return message


def _business_date(context: Mapping[str, Any], tz: ZoneInfo) -> date | None:
    """Derived exactly as the tasks derive it (RunWindow); None when the run has no interval."""
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None:
        return None
    try:
        window = RunWindow.from_interval(
            start, end, context.get("logical_date"), str(context.get("run_id")), tz
        )
    except ValueError:  # a malformed interval (naive or reversed)
        return None
    return window.business_date


def failure_from_context(context: Mapping[str, Any], tz: ZoneInfo) -> TaskFailure:
    """Read an Airflow task context (``on_failure_callback``) into plain values."""
    ti = context["task_instance"]
    logical_date = context.get("logical_date")
    return TaskFailure(
        dag_id=str(ti.dag_id),
        task_id=str(ti.task_id),
        dag_run_id=str(context.get("run_id") or ti.run_id),
        logical_date=logical_date.astimezone(tz) if logical_date else None,
        business_date=_business_date(context, tz),
        try_number=getattr(ti, "try_number", None),
        error=error_excerpt(context.get("exception")),
        # Airflow builds this from [api] base_url, i.e. the api-server UI the engineers open.
        log_url=getattr(ti, "log_url", None),
    )


def send_failure_alert(
    settings: Settings,
    failure: TaskFailure,
    attempts: int | None = None,
    wait_s: float | None = None,
) -> bool:
    """Email the alert to settings.alert_email; False (and a warning) when it cannot be sent.
    Retries default to ALERT_ATTEMPTS / ALERT_WAIT_S, read at call time."""
    message = failure_message(failure, settings.alert_email)
    try:
        mail.send(
            settings,
            message,
            attempts=ALERT_ATTEMPTS if attempts is None else attempts,
            wait_s=ALERT_WAIT_S if wait_s is None else wait_s,
        )
    except MailUndeliverable as error:
        log.warning("failure alert for %s not sent: %s", failure.task_id, error)
        return False
    return True


def notify_task_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback``: alert the data engineers; never raises."""
    try:
        settings = get_settings()
        send_failure_alert(settings, failure_from_context(context, settings.tz))
    # Deliberately broad: a bug or a bad setting here must not mask the task's own failure or
    # stop the rest of the failure callback (recording the failed run).
    except Exception as error:
        log.warning("failure alert could not be prepared or sent: %r", error)


def baseline_message(
    model_name: str, business_date: date, notice: str, recipient: str
) -> EmailMessage:
    """The plain-text notice that a model's first challenger lost to its simple baseline."""
    body = "\n".join(
        [
            f"No {model_name} model beat its simple baseline for business date "
            f"{business_date.isoformat()}, so none was promoted.",
            "",
            notice,
            "",
            "Tonight's outputs that need this model use the baseline (forecasts) or were "
            "skipped (scores); see the run summary. The next night trains a new challenger.",
            "Decisions: select * from ops.model_promotions "
            f"where model_name = '{model_name}' order by business_date desc;",
            "",
        ]
    )
    message = EmailMessage()
    message["To"] = recipient
    message["Subject"] = (
        f"[nightshift] {model_name}: no model beat the baseline — "
        f"business date {business_date.isoformat()}"
    )
    message.set_content(body)
    return message


def send_baseline_alert(
    settings: Settings, model_name: str, business_date: date, notice: str
) -> bool:
    """Email the notice to settings.alert_email; False (and a warning) when it cannot be sent:
    the night goes on either way."""
    message = baseline_message(model_name, business_date, notice, settings.alert_email)
    try:
        mail.send(settings, message, attempts=ALERT_ATTEMPTS, wait_s=ALERT_WAIT_S)
    except MailUndeliverable as error:
        log.warning("baseline notice for %s not sent: %s", model_name, error)
        return False
    return True
