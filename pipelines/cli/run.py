"""``nightshift run``: one real run of the nightly DAG, in this process, for one logical date."""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from typing import Annotated

import typer

from pipelines.settings import get_settings


def _today_in_business_tz() -> date:
    return datetime.now(get_settings().tz).date()


def run(
    day: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="Logical date of the run (YYYY-MM-DD); it processes the business day before. "
            "Default: today in the business timezone.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="Only warnings from Airflow's own logs.")] = False,
) -> None:
    """Run nightshift_nightly for one logical date through Airflow (dag.test) and summarise it."""
    from pipelines import runs
    from pipelines.orchestration.local_run import run_dag
    from pipelines.warehouse import warehouse

    settings = get_settings()
    logical = day.date() if day else _today_in_business_tz()
    if quiet:
        os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    engine = warehouse(settings)  # fail fast on a bad database before Airflow starts
    began = time.monotonic()
    outcome = run_dag(settings, logical)
    elapsed = time.monotonic() - began

    record = runs.fetch(engine, logical) or {}
    typer.echo("")
    typer.secho(
        f"nightshift_nightly  logical date {logical}  business date "
        f"{record.get('business_date', '?')}  ->  {outcome.state}  ({elapsed:.1f} s)",
        bold=True,
        fg=typer.colors.GREEN if outcome.succeeded else typer.colors.RED,
    )
    for task in outcome.tasks:
        seconds = f"{task.duration_s:6.1f} s" if task.duration_s is not None else "      -"
        typer.echo(f"  {task.task_id:<12} {task.state:<16} {seconds}")
    if record:
        typer.echo(f"ops.pipeline_runs: status={record['status']} attempts={record['attempts']}")
        for key, value in sorted(record["counts"].items()):
            typer.echo(f"  {key} = {value}")
        if record.get("error"):
            typer.echo(f"  error: {record['error']}")
    typer.echo(f"MLflow tracking URI: {settings.tracking_uri}")
    if not outcome.succeeded:
        raise typer.Exit(1)
