"""Send email through the configured SMTP server, retrying transient failures.

One function for every message nightshift sends (morning reports, failure alerts), so SMTP
settings, retries and error messages are handled in one place.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from tenacity import (
    RetryError,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from pipelines.errors import MailUndeliverable
from pipelines.settings import Settings

SMTP_TIMEOUT_S = 20.0


def is_transient(error: BaseException) -> bool:
    """Connection problems and 4xx replies are worth retrying; a 5xx refusal is not.

    smtplib's exceptions are OSErrors too, so the SMTP cases are told apart first: a rule on
    OSError alone would retry every refusal."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # code per refused recipient
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):  # sender, data, greeting, login...
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException):  # e.g. STARTTLS not supported: no use retrying
        return False
    return isinstance(error, OSError)  # refused connection, reset, timeout, DNS


def _deliver(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
        if settings.smtp_tls:
            smtp.starttls()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)


def send(settings: Settings, message: EmailMessage, attempts: int = 3, wait_s: float = 1.0) -> None:
    """Deliver ``message`` (From: defaults to the configured sender) or raise MailUndeliverable."""
    if "From" not in message:
        message["From"] = settings.smtp_sender
    sender = retry(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=wait_s, max=30),
        reraise=False,
    )(_deliver)
    try:
        sender(settings, message)
    except RetryError as error:
        cause = error.last_attempt.exception()
        raise MailUndeliverable(
            f"could not send {message['Subject']!r} to {message['To']} via "
            f"{settings.smtp_host}:{settings.smtp_port} after {attempts} attempts: {cause}"
        ) from cause
    except smtplib.SMTPException as error:
        raise MailUndeliverable(
            f"SMTP server {settings.smtp_host}:{settings.smtp_port} refused "
            f"{message['Subject']!r} for {message['To']}: {error}"
        ) from error
