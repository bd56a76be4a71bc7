"""``nightshift report``: write one store's morning staffing report as an HTML file.

The same report the manager gets by email, for checking a plan or resending by hand; nothing is
sent. Heavy imports (matplotlib, the warehouse) happen inside the command.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer


def report(
    store: Annotated[str, typer.Option("--store", help="Store id, as in ref.stores (e.g. S001).")],
    date: Annotated[
        datetime,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="Business date of the plan (its run date, YYYY-MM-DD); the report covers "
            "the 7 days after it.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="HTML file to write. Default: <data dir>/reports/<date>/staffing-<store>.html.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write one store's staffing report (chart, shifts, risks, reviews) as a standalone HTML."""
    from pipelines.report.deliver import write_report
    from pipelines.settings import get_settings
    from pipelines.warehouse import warehouse

    settings = get_settings()
    day = date.date()
    path = out or settings.data_dir / "reports" / day.isoformat() / f"staffing-{store}.html"
    written = write_report(warehouse(settings), settings, store, day, path)
    typer.echo(f"wrote {written}")
