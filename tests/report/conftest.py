"""Fixtures for the report tests: seeded warehouse rows, a local SMTP server, Chromium."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from tests.report import seed
from tests.system_tools import debian_program


@pytest.fixture(scope="session")
def report_rows(engine: Engine) -> Iterator[None]:
    """The two made-up stores with their plan, forecast and reviews (removed afterwards)."""
    seed.insert(engine)
    yield
    seed.remove(engine)


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it; we release it at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Collector:
    """aiosmtpd handler that keeps every envelope it is given."""

    envelopes: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.envelopes.append(
            Received(
                envelope.mail_from,  # type: ignore[attr-defined]
                list(envelope.rcpt_tos),  # type: ignore[attr-defined]
                envelope.original_content or envelope.content,  # type: ignore[attr-defined]
            )
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Collector]]:
    """A real SMTP server on localhost: (port, collector of what it received)."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, collector
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's headless-capable Chromium (installed by `make system-deps`)."""
    return debian_program("chromium", "chromium")
