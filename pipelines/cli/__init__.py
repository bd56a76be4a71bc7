"""The ``nightshift`` command line. Heavy libraries are imported inside commands, not here,
so ``nightshift --help`` answers instantly."""

from __future__ import annotations

import sys

import typer

from pipelines.cli import (
    airflow_cmd,
    backfill_cmd,
    db,
    ingest_cmd,
    monitor_cmd,
    plans_cmd,
    report_cmd,
    run,
    services_cmd,
    settings_cmd,
    simulate,
    traffic,
    train_cmd,
)
from pipelines.errors import NightshiftError

app = typer.Typer(
    name="nightshift",
    help="Nightly forecasting and planning for the chain: run the pipeline, manage its database.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(traffic.app, name="traffic")
app.add_typer(services_cmd.app, name="services")
app.add_typer(plans_cmd.app, name="plans")
app.add_typer(monitor_cmd.app, name="monitor")
app.command("run")(run.run)
app.command("demo")(run.demo)
app.command("backfill")(backfill_cmd.backfill)
app.command("ingest")(ingest_cmd.ingest)
app.command("simulate")(simulate.run)
app.command("serve-weather")(simulate.serve_weather)
app.command("settings")(settings_cmd.show)
app.command("train")(train_cmd.train)
app.command("report")(report_cmd.report)
app.command(
    "airflow",
    # Everything after the first argument is Airflow's, including its own --help.
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "allow_interspersed_args": False,
    },
)(airflow_cmd.airflow)


def main() -> None:
    """Console entry point: user-facing errors become one line on stderr and exit code 2."""
    try:
        app()
    except NightshiftError as error:
        typer.secho(f"nightshift: error: {error}", err=True, fg=typer.colors.RED)
        sys.exit(2)
