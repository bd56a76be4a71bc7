"""``nightshift services``: Airflow's api-server, scheduler and dag-processor, locally."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipelines.settings import get_settings

if TYPE_CHECKING:
    from pipelines.orchestration.services import Started

app = typer.Typer(
    help="Run the real Airflow scheduler locally (api-server, scheduler, dag-processor).",
    no_args_is_help=True,
)

PortOption = Annotated[
    int | None,
    typer.Option(
        help="Port of the API server and UI. Default: $AIRFLOW__API__PORT, else 8080.",
        show_default=False,
    ),
]


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@app.command()
def up(
    port: PortOption = None,
    detach: Annotated[
        bool, typer.Option(help="Return once healthy, leaving the services running.")
    ] = False,
) -> None:
    """Start the services and unpause nightshift_nightly; Ctrl-C (or SIGTERM) stops them all."""
    from pipelines.orchestration import services

    settings = get_settings()
    # `kill` or a closed terminal must stop the services too, exactly like Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    typer.echo("starting Airflow (api-server, dag-processor, scheduler) ...")
    started = None
    try:
        started = services.start(settings, port)
        _announce(started)
        if detach:
            typer.echo("running in the background; stop with `make airflow-stop`")
            return
        typer.echo("Ctrl-C stops everything.")
        gone = services.watch(settings)
        code = 0 if services.stopping(settings) else 1  # else someone ran `services down`
        if code:
            log = services.log_file(settings, gone.name)
            typer.secho(
                f"{gone.name} exited unexpectedly: see {log}", err=True, fg=typer.colors.RED
            )
    except KeyboardInterrupt:
        code = 0 if started else 130  # start() stops what it started when interrupted
    # A second Ctrl-C must not abandon the services half-stopped.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    typer.echo("stopping Airflow ...")
    services.stop(settings)
    typer.echo("stopped")
    raise typer.Exit(code)


def _announce(started: Started) -> None:
    typer.secho(f"Airflow UI: {started.url}", bold=True, fg=typer.colors.GREEN)
    typer.echo(f"login: {started.login.username} / {started.login.password}")
    typer.echo(f"logs: {started.logs}/<service>.log (task logs under {started.logs})")
    typer.echo("nightshift_nightly is unpaused: it runs every night at 02:00 business time.")


@app.command()
def down() -> None:
    """Stop the services started by `up` (SIGTERM, then SIGKILL after 30 s); safe to repeat."""
    from pipelines.orchestration import services

    stopped = services.stop(get_settings())
    typer.echo(f"stopped: {', '.join(stopped)}" if stopped else "Airflow services were not running")


@app.command()
def status() -> None:
    """Show each service's PID, the UI's URL and the login; exit 1 unless all are running."""
    from pipelines.errors import NightshiftError
    from pipelines.orchestration import services

    settings = get_settings()
    states = services.status(settings)
    for state in states:
        shown = f"running, pid {state.pid}" if state.running else "stopped"
        typer.echo(f"{state.name:<14} {shown}")
    if not all(state.running for state in states):
        raise typer.Exit(1)
    typer.echo(f"Airflow UI: http://localhost:{services.recorded_port(settings)}")
    try:
        credentials = services.login(settings)
        typer.echo(f"login: {credentials.username} / {credentials.password}")
    except NightshiftError as error:
        typer.echo(f"login: {error}")
