"""Sending mail through a real SMTP server: transient trouble (connection errors, 4xx replies)
is retried, a permanent refusal (5xx) is not."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest

from pipelines import mail
from pipelines.errors import MailUndeliverable
from pipelines.settings import Settings
from tests.mail_sink import HOST, MailSink, free_port, smtp_sink


def _message() -> EmailMessage:
    message = EmailMessage()
    message["To"] = "ana@example.pe"
    message["Subject"] = "plan"
    message.set_content("hola")
    return message


def _send(settings: Settings, sink: MailSink) -> None:
    local = settings.model_copy(update={"smtp_host": sink.host, "smtp_port": sink.port})
    mail.send(local, _message(), attempts=3, wait_s=0.01)


def test_a_permanent_refusal_is_not_retried(settings: Settings) -> None:
    with smtp_sink() as sink:
        sink.refuse("550 5.1.1 <ana@example.pe>: no such mailbox", times=3)
        with pytest.raises(
            MailUndeliverable, match=re.escape("refused 'plan' for ana@example.pe")
        ) as error:
            _send(settings, sink)
    assert sink.rcpt_attempts == 1  # asked once: asking again cannot change a 5xx
    assert "no such mailbox" in str(error.value) and not sink.received


def test_a_transient_refusal_is_retried_until_accepted(settings: Settings) -> None:
    with smtp_sink() as sink:
        sink.refuse("450 4.2.1 mailbox busy, try again later")
        _send(settings, sink)
        received = sink.wait_for(1)
    assert sink.rcpt_attempts == 2
    assert [r.recipients for r in received] == [["ana@example.pe"]]


def test_a_lasting_transient_refusal_gives_up_after_the_attempts(settings: Settings) -> None:
    with smtp_sink() as sink:
        sink.refuse("451 4.3.0 temporary local problem", times=5)
        with pytest.raises(MailUndeliverable, match="after 3 attempts") as error:
            _send(settings, sink)
    assert sink.rcpt_attempts == 3
    assert "temporary local problem" in str(error.value)


def test_an_unreachable_server_is_retried(settings: Settings) -> None:
    down = settings.model_copy(update={"smtp_host": HOST, "smtp_port": free_port()})
    with pytest.raises(MailUndeliverable, match=f"via {HOST}:\\d+ after 2 attempts"):
        mail.send(down, _message(), attempts=2, wait_s=0.01)
