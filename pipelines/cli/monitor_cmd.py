"""``nightshift monitor``: the monitoring figures and reports outside Airflow, and the Evidently UI.

Heavy imports (Evidently, the warehouse) happen inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

app = typer.Typer(
    help="Model monitoring: performance, drift and data-quality figures, Evidently reports.",
    no_args_is_help=True,
)


@app.command("ui")
def ui(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the Evidently UI on <data dir>/evidently: one project per model with its dashboard
    across nights (Ctrl-C stops). No telemetry is sent."""
    from pipelines.monitoring.ui import serve
    from pipelines.monitoring.workspace import workspace_dir
    from pipelines.settings import get_settings

    workspace = workspace_dir(get_settings())
    typer.echo(f"Evidently UI on http://{host}:{port} (workspace {workspace}; Ctrl-C stops)")
    serve(workspace, host, port)


@app.command("run")
def run(
    date: Annotated[
        datetime,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Business date to monitor."),
    ],
) -> None:
    """Measure one business date as the nightly `monitor` task does (figures, reports, events
    and the alert email), without Airflow."""
    from pipelines.monitoring.stage import monitor
    from pipelines.settings import get_settings
    from pipelines.warehouse import warehouse
    from pipelines.window import RunWindow

    settings = get_settings()
    window = RunWindow.for_business_date(date.date(), settings.tz, "monitor")
    counts = monitor(warehouse(settings), settings, window)
    for key, value in counts.items():
        typer.echo(f"  {key:<18} {value}")
