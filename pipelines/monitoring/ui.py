"""Serve the Evidently UI on the monitoring workspace (``nightshift monitor ui``,
``make monitor``): Evidently's own service (litestar + uvicorn), started from here so that the
pandas shim is in place and its telemetry is off twice: by environment (``evidently_compat``) and
in the service's configuration (its telemetry component disabled)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.monitoring.evidently_compat import evidently


def ui_config(workspace: Path, host: str, port: int) -> Any:
    evidently()
    from evidently.ui.service.app import get_config

    config = get_config(host=host, port=port, workspace=str(workspace))
    config.telemetry.enabled = False
    return config


def serve(workspace: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the UI until interrupted (blocks)."""
    config = ui_config(workspace, host, port)  # imports Evidently the compatible way first
    from evidently.ui.service.app import run

    workspace.mkdir(parents=True, exist_ok=True)
    run(config)
