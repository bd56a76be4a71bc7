"""Simple baselines every first model must beat (placeholder, filled in below)."""

from __future__ import annotations

BASELINE_PREFIX = "baseline:"


def is_baseline(version: str | None) -> bool:
    """Whether a served 'version' names a baseline (``baseline:<name>``), not a registry one."""
    return version is not None and version.startswith(BASELINE_PREFIX)
