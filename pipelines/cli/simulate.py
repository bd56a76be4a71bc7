"""``nightshift simulate``: generate the chain's nightly landing files, and serve their weather.

Heavy imports (numpy, pandas, pyarrow) happen inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class FileFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


app = typer.Typer(
    help="Simulate Peruvian stores and restaurants: POS, door counts, staffing, promotions, "
    "reviews, loyalty members and weather, in the landing layout the pipeline reads.",
    no_args_is_help=True,
)


@app.command("run")
def run(
    stores: Annotated[int, typer.Option(help="Number of stores to simulate.", min=1)],
    start: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="First simulated day (YYYY-MM-DD).")
    ],
    end: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="Last simulated day (YYYY-MM-DD).")
    ],
    out: Annotated[
        Path, typer.Option(help="Landing directory; files of an earlier run there are replaced.")
    ],
    seed: Annotated[int, typer.Option(help="Random seed: same arguments, same bytes.")] = 0,
    defects: Annotated[
        float,
        typer.Option(
            help="Fault rate: share of rows with a defect (duplicates, bad timestamps, unknown "
            "stores, NULL amounts, mojibake, ...) and chance that a file is truncated.",
            min=0.0,
            max=0.5,
        ),
    ] = 0.0,
    file_format: Annotated[
        FileFormat,
        typer.Option("--format", help="Per-date files as CSV or Parquet (reviews: always JSONL)."),
    ] = FileFormat.csv,
    progress: Annotated[bool, typer.Option(help="Show a progress bar per simulated day.")] = True,
    regime_change: Annotated[
        list[str] | None,
        typer.Option(
            "--regime-change",
            help="STORE:YYYY-MM-DD:FACTOR: from that date on the store's traffic (and so its "
            "sales) is multiplied by FACTOR, e.g. a competitor opening: 2:2026-11-10:0.6. "
            "STORE is a store id or its position (1 = first). Repeatable.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Simulate every day from --start to --end and write the landing files under --out."""
    from pipelines.settings import get_settings
    from pipelines.simulator.core import SimulationConfig, run_simulation
    from pipelines.simulator.regime import RegimeChange

    config = SimulationConfig(
        stores=stores,
        start=start.date(),
        end=end.date(),
        seed=seed,
        out=out,
        defects=defects,
        file_format=file_format.value,
        country=get_settings().country,
        regime_changes=tuple(RegimeChange.parse(text) for text in regime_change or ()),
    )
    summary = run_simulation(config, progress=progress)
    typer.echo(f"{summary.files} files in {out} ({summary.seconds:.1f} s)")
    for kind, rows in summary.rows.items():
        typer.echo(f"  {kind:<14} {rows:>10,} rows")
    injected = {kind: count for kind, count in summary.defects.items() if count}
    if injected:
        typer.echo("  defects: " + ", ".join(f"{k}={v}" for k, v in injected.items()))


@app.command("serve-weather")
def serve_weather(
    directory: Annotated[
        Path, typer.Option("--dir", help="A simulation's landing directory (has weather/).")
    ],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (0 = any free port).")] = 8765,
) -> None:
    """Serve the simulated weather as Open-Meteo's /v1/archive and /v1/forecast until Ctrl-C."""
    from pipelines.errors import NightshiftError
    from pipelines.simulator.weather_server import start_weather_server, stop_weather_server

    if not (directory / "weather" / "hourly.csv").is_file():
        raise NightshiftError(
            f"{directory}/weather/hourly.csv not found: run `nightshift simulate run` first"
        )
    server, thread = start_weather_server(directory, host, port)
    typer.echo(f"weather server on {server.url} (Ctrl-C to stop)")
    try:
        thread.join()
    except KeyboardInterrupt:
        typer.echo("stopping")
    finally:
        stop_weather_server(server, thread)
