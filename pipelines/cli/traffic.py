"""``nightshift traffic``: the hourly foot-traffic forecaster, from the command line.

Torch and the model load inside the command, so ``nightshift --help`` stays instant.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipelines.errors import NightshiftError

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    help="Hourly foot-traffic forecasts (P10/P50/P90) and their backtest.", no_args_is_help=True
)


class DeviceChoice(StrEnum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


@app.callback()
def traffic() -> None:
    """Hourly foot-traffic forecasts (P10/P50/P90) and their backtest."""


def read_traffic_table(path: Path) -> pd.DataFrame:
    """A CSV or Parquet table; ``location_id`` is read as text (codes like 007 stay intact)."""
    import pandas as pd

    if not path.is_file():
        raise NightshiftError(f"input file {path} does not exist")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype={"location_id": str, "store_id": str})
    except Exception as error:  # any parser failure is a user-facing "cannot read" error
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise NightshiftError(f"cannot read {path} as CSV or Parquet: {reason}") from None


@app.command()
def backtest(
    input_path: Annotated[
        Path,
        typer.Option(
            "--input",
            help="CSV or Parquet with location_id (or store_id), ts (hourly, local time) and "
            "count; known exogenous columns (promotion, temperature, precipitation...) are used "
            "if present.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(help="Parquet file for the forecasts: one row per location, origin, hour."),
    ],
    horizon: Annotated[int, typer.Option(min=1, help="Hours forecast from each origin.")] = 168,
    folds: Annotated[
        int, typer.Option(min=1, help="Number of origins, one horizon apart, ending at the data.")
    ] = 4,
    metrics: Annotated[
        Path | None, typer.Option(help="Write MAE/MASE/coverage (overall and per fold) as JSON.")
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(help="ISO country for public holidays. Default: NIGHTSHIFT_COUNTRY."),
    ] = None,
    device: Annotated[
        DeviceChoice, typer.Option(help="Where to train: auto picks CUDA when present.")
    ] = DeviceChoice.auto,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same forecasts on CPU).")] = 0,
    max_epochs: Annotated[
        int | None, typer.Option(min=1, help="Cap on training epochs (default: the model's).")
    ] = None,
    refit: Annotated[
        bool,
        typer.Option(help="Fine-tune on the data before each later origin, not only the first."),
    ] = False,
    gbm_baseline: Annotated[
        bool,
        typer.Option(help="Also fit and score a gradient-boosted-trees-on-lags baseline (slower)."),
    ] = False,
) -> None:
    """Train before the first origin, forecast each origin from the data before it, and compare
    with seasonal naive and the 4-week same-hour mean."""
    import dataclasses

    from models.traffic.backtest import run_backtest
    from models.traffic.config import TrafficConfig
    from models.traffic.metrics import format_table
    from pipelines.settings import get_settings

    table = read_traffic_table(input_path)
    config = TrafficConfig(
        horizon=horizon,
        country=country or get_settings().country,
        device=device.value,
        seed=seed,
    )
    if max_epochs is not None:
        config = dataclasses.replace(config, max_epochs=max_epochs)
    result = run_backtest(table, config, folds, refit=refit, gbm_baseline=gbm_baseline)

    output.parent.mkdir(parents=True, exist_ok=True)
    result.forecasts.to_parquet(output, index=False)
    if metrics is not None:
        metrics.parent.mkdir(parents=True, exist_ok=True)
        metrics.write_text(json.dumps(result.metrics, indent=2) + "\n")
    typer.echo(format_table(result.metrics))
    training = result.metrics["training"]
    typer.echo(
        f"trained {training['epochs']} epochs in {training['seconds']:.0f}s on "
        f"{training['device']} ({training['samples_per_second']:.0f} windows/s); "
        f"{len(result.forecasts)} forecast rows -> {output}"
    )
