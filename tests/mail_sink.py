"""The one SMTP server of the tests: a real aiosmtpd server on a free local port that keeps
every message it receives, and can be told to refuse recipients with given SMTP replies
(``550 ...`` permanent, ``450 ...`` transient) to test how senders react."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now (also what an 'SMTP server down' test connects to)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class MailSink:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    # Replies given to the next RCPT TO commands, one each, before recipients are accepted.
    refusals: list[str] = field(default_factory=list)
    rcpt_attempts: int = 0

    def refuse(self, reply: str, times: int = 1) -> None:
        """Answer the next ``times`` recipients with ``reply`` (e.g. "550 5.1.1 no such user")."""
        self.refusals.extend([reply] * times)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.rcpt_attempts += 1
        if self.refusals:
            return self.refusals.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout_s: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)


@contextmanager
def smtp_sink() -> Iterator[MailSink]:
    sink = MailSink(HOST, free_port())
    controller = Controller(sink, hostname=HOST, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
