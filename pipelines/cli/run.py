"""``nightshift run`` and ``nightshift demo``: real runs of the nightly DAG, in this process."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import typer

from pipelines.settings import Settings, get_settings

DateOption = Annotated[
    datetime | None,
    typer.Option(
        "--date",
        formats=["%Y-%m-%d"],
        help="Logical date of the run (YYYY-MM-DD); it processes the business day before. "
        "Default: today in the business timezone.",
        show_default=False,
    ),
]
QuietOption = Annotated[bool, typer.Option(help="Only warnings from Airflow's own logs.")]


def _today_in_business_tz() -> date:
    return datetime.now(get_settings().tz).date()


def _run_and_summarise(settings: Settings, logical: date, quiet: bool) -> None:
    from pipelines import runs
    from pipelines.orchestration.local_run import run_dag
    from pipelines.warehouse import warehouse

    if quiet:
        os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    engine = warehouse(settings)  # fail fast on a bad database before Airflow starts
    began = time.monotonic()
    outcome = run_dag(settings, logical)
    elapsed = time.monotonic() - began

    record: dict[str, Any] = runs.fetch(engine, logical) or {}
    typer.echo("")
    typer.secho(
        f"nightshift_nightly  logical date {logical}  business date "
        f"{record.get('business_date', '?')}  ->  {outcome.state}  ({elapsed:.1f} s)",
        bold=True,
        fg=typer.colors.GREEN if outcome.succeeded else typer.colors.RED,
    )
    for task in outcome.tasks:
        seconds = f"{task.duration_s:6.1f} s" if task.duration_s is not None else "      -"
        typer.echo(f"  {task.task_id:<18} {task.state:<16} {seconds}")
    if record:
        typer.echo(f"ops.pipeline_runs: status={record['status']} attempts={record['attempts']}")
        for key, value in sorted(record["counts"].items()):
            typer.echo(f"  {key} = {value}")
        if record.get("error"):
            typer.echo(f"  error: {record['error']}")
        docs = record["counts"].get("run_summary.data_docs_dir")
        if docs:
            typer.echo(f"Data Docs (Great Expectations): {docs}/<dataset>/index.html")
    typer.echo(f"MLflow tracking URI: {settings.tracking_uri}")
    if not outcome.succeeded:
        raise typer.Exit(1)


def run(day: DateOption = None, quiet: QuietOption = False) -> None:
    """Run nightshift_nightly for one logical date through Airflow (dag.test) and summarise it."""
    _run_and_summarise(get_settings(), day.date() if day else _today_in_business_tz(), quiet)


def demo(
    day: Annotated[
        datetime,
        typer.Option(
            "--date", formats=["%Y-%m-%d"], help="Logical date of the demo run (YYYY-MM-DD)."
        ),
    ] = datetime(2026, 11, 22),
    stores: Annotated[int, typer.Option(help="Stores to simulate.")] = 5,
    weeks: Annotated[int, typer.Option(help="Weeks of history to simulate.")] = 12,
    seed: Annotated[int, typer.Option(help="Simulator seed.")] = 7,
    quiet: QuietOption = False,
) -> None:
    """Simulate a few weeks for a handful of stores (reused when present), serve their weather
    and catch their emails locally, and run the nightly DAG for the last simulated business
    date."""
    from pipelines.demo import load_history, local_outbox, simulated_landing, simulated_weather

    settings = get_settings()
    logical = day.date()
    business_date = logical - timedelta(days=1)
    first = business_date - timedelta(weeks=weeks)
    landing = simulated_landing(settings, stores=stores, start=first, end=business_date, seed=seed)
    typer.echo(f"landing: {landing}")
    with simulated_weather(settings) as weather_url:
        typer.echo(f"weather API (simulated, Open-Meteo shape): {weather_url}")
        loaded = load_history(get_settings(), first, business_date - timedelta(days=1))
        typer.echo(f"history: {loaded} days loaded" if loaded else "history: already loaded")
        with local_outbox(get_settings(), business_date) as outbox:
            typer.echo(f"emails (local SMTP server, not sent to anybody): {outbox}")
            _run_and_summarise(get_settings(), logical, quiet)
