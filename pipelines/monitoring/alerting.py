"""Email the data engineers when a model degraded: one message per night listing every new
event (model and version, the figure, its threshold and where that comes from, the report).

Sent through ``pipelines.mail`` to ``NIGHTSHIFT_ALERT_EMAIL`` like the task-failure alerts. An
unreachable mail server is a warning, not a failed night: the event stays recorded with
``alerted = false``.
"""

from __future__ import annotations

import logging
from datetime import date
from email.message import EmailMessage

from pipelines import mail
from pipelines.alerts import ALERT_ATTEMPTS, ALERT_WAIT_S
from pipelines.errors import MailUndeliverable
from pipelines.monitoring.degradation import Event
from pipelines.settings import Settings

log = logging.getLogger(__name__)


def degradation_subject(day: date, events: list[Event]) -> str:
    models = ", ".join(sorted({e.model_name for e in events}))
    return f"[nightshift] model degraded: {models} — business date {day.isoformat()}"


def degradation_message(day: date, events: list[Event], recipient: str) -> EmailMessage:
    lines = [
        f"The nightly monitor of business date {day.isoformat()} found "
        f"{len(events)} figure(s) past their threshold. Each model named below is retrained "
        "by the next night instead of reusing its current model.",
        "",
    ]
    for event in events:
        lines += [
            f"Model:      {event.model_name} v{event.model_version or '?'}",
            f"Figure:     {event.metric} = {event.value:.4f} ({event.where}, "
            f"{event.window_days}-day window)",
            f"Threshold:  {event.threshold.direction} {event.threshold.value:.4f} is degraded "
            f"({event.threshold.why})",
            f"Report:     {event.report_path or '(no report for this figure)'}",
            "Action:     retrain next night",
            "",
        ]
    lines.append("All events: select * from monitoring.degradation_events order by business_date;")
    message = EmailMessage()
    message["To"] = recipient
    message["Subject"] = degradation_subject(day, events)
    message.set_content("\n".join(lines) + "\n")
    return message


def send_degradation_alert(settings: Settings, day: date, events: list[Event]) -> bool:
    """True when the alert was delivered; a warning and False when it could not be."""
    message = degradation_message(day, events, settings.alert_email)
    try:
        mail.send(settings, message, attempts=ALERT_ATTEMPTS, wait_s=ALERT_WAIT_S)
    except MailUndeliverable as error:
        log.warning("degradation alert for %s not sent: %s", day, error)
        return False
    return True
