"""``nightshift settings``: the effective configuration, secrets masked."""

from __future__ import annotations

import typer

from pipelines.settings import ENV_PREFIX, Settings, get_settings


def show() -> None:
    """Print every setting, its environment variable and its effective value."""
    settings = get_settings()
    for name, _field in Settings.model_fields.items():
        value = getattr(settings, name)
        if value is None:
            shown = "(unset)"
        elif "password" in name or (name == "database_url" and "@" in str(value)):
            shown = _mask(str(value), name)
        else:
            shown = str(value)
        typer.echo(f"{ENV_PREFIX}{name.upper():<22} {shown}")
    typer.echo(f"{'(effective MLflow URI)':<33} {settings.tracking_uri}")


def _mask(value: str, name: str) -> str:
    if "password" in name:
        return "********"
    from sqlalchemy import make_url

    return make_url(value).render_as_string(hide_password=True)
