"""Fixtures for the report tests: seeded warehouse rows, a local SMTP server, Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from tests.report import seed


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
    """Path of Debian's headless-capable Chromium, installed with apt-get when missing."""
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.fail(
            "chromium is not installed and this test setup cannot install it (needs apt-get "
            "and root); install it with `apt-get install -y chromium`"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
        except subprocess.TimeoutExpired:
            pytest.fail(f"installing chromium: `{' '.join(command)}` took over 15 minutes")
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip()[-1500:]
            pytest.fail(
                f"installing chromium: `{' '.join(command)}` failed ({done.returncode}): {tail}"
            )
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("apt-get installed chromium but no `chromium` command is on PATH")
    return found
