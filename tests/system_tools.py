"""Debian programs the tests drive for real (Chromium, Redis, Prometheus's promtool, the
Pushgateway). ``make test`` installs them first (``make system-deps``); a bare ``pytest`` on a
machine without them fails with the command that fixes it, never skips."""

from __future__ import annotations

import shutil

import pytest


def debian_program(command: str, package: str) -> str:
    """Path of ``command`` (Debian package ``package``), or a test failure saying how to get it."""
    found = shutil.which(command)
    if found is None:
        pytest.fail(
            f"`{command}` is not installed: run `make system-deps` "
            f"(or, as root, `apt-get install -y {package}`)"
        )
    return found
