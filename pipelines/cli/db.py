"""``nightshift db``: the warehouse database (embedded by default) and its schema."""

from __future__ import annotations

import os
import shutil
from typing import Annotated

import typer

from pipelines.settings import get_settings

app = typer.Typer(
    help="Start, stop, inspect and migrate the PostgreSQL database.", no_args_is_help=True
)


@app.command()
def start() -> None:
    """Start the embedded PostgreSQL (if not running) and create the databases."""
    from pipelines.db.engine import airflow_url, ensure_database, warehouse_url

    settings = get_settings()
    url = warehouse_url(settings)
    ensure_database(url)
    ensure_database(airflow_url(settings))
    typer.echo(f"database ready: {url.render_as_string(hide_password=True)}")


@app.command()
def stop() -> None:
    """Stop the embedded PostgreSQL. Data stays in <data_dir>/pgdata."""
    from pipelines.db import embedded

    settings = get_settings()
    if not settings.uses_embedded_database:
        typer.echo("NIGHTSHIFT_DATABASE_URL is set: that server is not managed by nightshift.")
        return
    stopped = embedded.stop(settings.pgdata_dir)
    typer.echo("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")


@app.command()
def status() -> None:
    """Say whether the database runs and whether its schema is current."""
    from pipelines.db import embedded, migrate
    from pipelines.db.engine import get_engine

    settings = get_settings()
    if settings.uses_embedded_database:
        state = embedded.status(settings.pgdata_dir)
        if not state.running:
            typer.echo(f"embedded PostgreSQL: stopped (data in {state.pgdata})")
            raise typer.Exit(1)
        typer.echo(f"embedded PostgreSQL: running, pid {state.pid}, socket {state.socket_dir}")
    engine = get_engine(settings)
    current, head = migrate.current_revision(engine), migrate.head_revision()
    verdict = "up to date" if current == head else "behind: run `nightshift db upgrade`"
    typer.echo(f"schema: {current or 'empty'} (latest {head}) - {verdict}")


@app.command()
def url(
    airflow: Annotated[bool, typer.Option(help="The Airflow metadata database instead.")] = False,
    show_password: Annotated[bool, typer.Option(help="Print the password too.")] = False,
) -> None:
    """Print the SQLAlchemy URL of the warehouse (starting the embedded server if needed)."""
    from pipelines.db.engine import airflow_url, warehouse_url

    settings = get_settings()
    chosen = airflow_url(settings) if airflow else warehouse_url(settings)
    typer.echo(chosen.render_as_string(hide_password=not show_password))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def psql(ctx: typer.Context) -> None:
    """Open psql on the warehouse; extra arguments go to psql (e.g. -c "select 1")."""
    from pipelines.db.engine import ensure_database, warehouse_url

    settings = get_settings()
    target = warehouse_url(settings)
    ensure_database(target)
    executable = _psql_executable()
    # libpq wants a plain postgresql:// URL (no SQLAlchemy driver suffix). The password goes
    # through the environment: a command line is readable by every user of the machine (ps).
    libpq_url = target.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if target.password is not None:
        env["PGPASSWORD"] = str(target.password)
    os.execve(executable, [executable, libpq_url.render_as_string(), *ctx.args], env)


def _psql_executable() -> str:
    from pipelines.db.embedded import psql_executable

    bundled = psql_executable()
    return str(bundled) if bundled.exists() else (shutil.which("psql") or "psql")


@app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target Alembic revision.")] = "head",
) -> None:
    """Apply schema migrations (idempotent: nothing happens when already current)."""
    from pipelines.db import migrate
    from pipelines.db.engine import get_engine

    engine = get_engine(get_settings())
    migrate.upgrade(engine, revision)
    typer.echo(f"schema at {migrate.current_revision(engine)}")


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target Alembic revision, e.g. -1 or base.")],
) -> None:
    """Revert schema migrations down to REVISION (drops the tables those migrations made)."""
    from pipelines.db import migrate
    from pipelines.db.engine import get_engine

    engine = get_engine(get_settings())
    migrate.downgrade(engine, revision)
    typer.echo(f"schema at {migrate.current_revision(engine) or 'base (empty)'}")
