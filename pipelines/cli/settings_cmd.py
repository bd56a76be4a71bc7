"""``nightshift settings``: the effective configuration, secrets masked."""

from __future__ import annotations

import typer

from pipelines.settings import ENV_PREFIX, Settings, get_settings


def show() -> None:
    """Print every setting, its environment variable and its effective value."""
    settings = get_settings()
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            shown = "(unset)"
        elif name == "database_url":
            from sqlalchemy import make_url

            shown = make_url(value).render_as_string(hide_password=True)
        else:
            shown = str(value)  # SecretStr renders as asterisks
        typer.echo(f"{ENV_PREFIX}{name.upper():<22} {shown}")
    typer.echo(f"{'(effective MLflow URI)':<33} {settings.tracking_uri}")
