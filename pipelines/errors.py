"""User-facing errors: each says what went wrong and what to do, in one line."""

from __future__ import annotations


class NightshiftError(Exception):
    """An error whose message is meant for the person running nightshift (no traceback)."""


class ConfigError(NightshiftError):
    """A setting is missing or malformed."""


class DatabaseUnavailable(NightshiftError):
    """The configured PostgreSQL server cannot be reached."""


class ValidationFailed(NightshiftError):
    """A data-quality gate failed; nothing downstream may run for that date."""


class MailUndeliverable(NightshiftError):
    """The SMTP server could not be reached or refused a message, after retries."""
