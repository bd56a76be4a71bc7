"""``nightshift services``: Airflow's api-server, scheduler, dag-processor and triggerer,
locally; with ``--executor celery`` also a Redis broker and Celery workers."""

from __future__ import annotations

import contextlib
import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipelines.settings import get_settings

if TYPE_CHECKING:
    from pipelines.orchestration.services import Started

app = typer.Typer(
    help="Run the real Airflow scheduler locally (api-server, scheduler, dag-processor, "
    "triggerer; with --executor celery also Redis and two Celery workers).",
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
    executor: Annotated[
        str | None,
        typer.Option(
            help="local, or celery (Redis + a default-queue and a train-queue Celery worker). "
            "Default: $NIGHTSHIFT_EXECUTOR, else local.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start the services and unpause nightshift_nightly; Ctrl-C (or SIGTERM) stops them all."""
    from pipelines.orchestration import services

    settings = get_settings()
    executor = executor or settings.executor
    # `kill` or a closed terminal must stop the services too, exactly like Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    extra = ", redis, celery workers" if executor == "celery" else ""
    typer.echo(f"starting Airflow (api-server, dag-processor, scheduler, triggerer{extra}) ...")
    started = None
    try:
        started = services.start(settings, port, executor=executor)
        _announce(started)
        if detach:
            services.start_supervisor(settings)
            typer.echo("running in the background; stop with `make airflow-stop`")
            return
        typer.echo("Ctrl-C stops everything; a service that dies is restarted.")
        gone = services.supervise(settings)
        code = 0 if gone is None else 1  # None: someone ran `services down`
        if gone is not None:
            log = services.log_file(settings, gone.name)
            typer.secho(f"{gone.name} keeps exiting: see {log}", err=True, fg=typer.colors.RED)
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


@app.command(hidden=True)
def supervise() -> None:
    """Restart services of the detached stack that exit, until `services down` (started by
    `up --detach`)."""
    from datetime import datetime

    from pipelines.orchestration import services

    def log(line: str) -> None:
        typer.echo(f"{datetime.now().isoformat(timespec='seconds')} {line}")

    # `services down` stops this process first, with SIGTERM: leave without restarting anything.
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        services.supervise(get_settings(), log=log)


@app.command("add-worker")
def add_worker(
    name: Annotated[str, typer.Option(help="Worker name (becomes worker-<name>).")],
    queues: Annotated[
        str, typer.Option(help="Comma-separated queues it serves, e.g. train or default,train.")
    ],
    concurrency: Annotated[int, typer.Option(min=1, help="Task slots.")] = 1,
) -> None:
    """Add one more Celery worker to the running Celery stack (stopped with it)."""
    from pipelines.orchestration import services

    queue_list = [q.strip() for q in queues.split(",") if q.strip()]
    services.add_worker(get_settings(), name, queue_list, concurrency)
    typer.echo(f"worker-{name.removeprefix('worker-')} serves {', '.join(queue_list)}")


@app.command()
def status() -> None:
    """Show each service's PID, the UI's URL and the login; exit 1 unless all are running."""
    from pipelines.errors import NightshiftError
    from pipelines.orchestration import services

    settings = get_settings()
    states = services.status(settings)
    for state in states:
        shown = f"running, pid {state.pid}" if state.running else "stopped"
        typer.echo(f"{state.name:<16} {shown}")
    if not all(state.running for state in states):
        raise typer.Exit(1)
    typer.echo(f"Airflow UI: http://localhost:{services.recorded_port(settings)}")
    try:
        credentials = services.login(settings)
        typer.echo(f"login: {credentials.username} / {credentials.password}")
    except NightshiftError as error:
        typer.echo(f"login: {error}")
