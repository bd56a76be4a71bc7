"""Fixtures for the report tests: seeded warehouse rows, a local SMTP server, Chromium.

``free_port`` stays importable from here (tests/mail_sink.py has it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.mail_sink import MailSink, free_port, smtp_sink
from tests.report import seed
from tests.system_tools import debian_program

__all__ = ["free_port"]


@pytest.fixture(scope="session")
def report_rows(engine: Engine) -> Iterator[None]:
    """The two made-up stores with their plan, forecast and reviews (removed afterwards)."""
    seed.insert(engine)
    yield
    seed.remove(engine)


@pytest.fixture
def smtp_server() -> Iterator[MailSink]:
    """The tests' real SMTP server on localhost (tests/mail_sink.py)."""
    with smtp_sink() as sink:
        yield sink


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's headless-capable Chromium (installed by `make system-deps`)."""
    return debian_program("chromium", "chromium")
