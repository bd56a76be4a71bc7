"""``nightshift ingest``: load a range of past business dates (history) without Airflow."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from pipelines.settings import get_settings


def ingest(
    start: Annotated[
        datetime, typer.Option("--start", formats=["%Y-%m-%d"], help="First business date.")
    ],
    end: Annotated[
        datetime, typer.Option("--end", formats=["%Y-%m-%d"], help="Last business date.")
    ],
    chunk_days: Annotated[int, typer.Option(help="Days validated and published together.")] = 31,
) -> None:
    """Load business dates START..END from the landing location and the weather API into
    raw/quarantine/core, through the same gate as the nightly run (for the initial history;
    nightly runs and backfills go through Airflow)."""
    from pipelines.stages.ingest import ingest_history
    from pipelines.warehouse import warehouse

    settings = get_settings()
    published = ingest_history(
        warehouse(settings), settings, start.date(), end.date(), chunk_days, progress=True
    )
    for dataset, rows in published.items():
        typer.echo(f"{dataset:<12} {rows:>10,} rows published")
