"""A real SMTP server (aiosmtpd) on a free local port that keeps every message it receives."""

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
    recipients: list[str]
    message: EmailMessage


@dataclass
class MailSink:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), message))
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
