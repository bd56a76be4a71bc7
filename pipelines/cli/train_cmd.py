"""``nightshift train``: retrain models outside the nightly DAG (e.g. a cold full retrain)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Annotated

import typer

from pipelines.cli.run import DateOption, _today_in_business_tz

MODELS = ("traffic", "sales", "sentiment", "churn")


def train(
    day: DateOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Cold retrain: no warm start from the champions and no reuse of an unchanged "
            "champion. Challengers must still beat the champions to be promoted.",
        ),
    ] = False,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help=f"Only these models (repeatable): {', '.join(MODELS)}."),
    ] = None,
) -> None:
    """Train the models on the data up to the logical date's business day, log them to MLflow
    and promote better challengers, exactly as the nightly train tasks do."""
    from pipelines import nightly
    from pipelines.errors import NightshiftError
    from pipelines.settings import get_settings
    from pipelines.window import RunWindow

    chosen = model or list(MODELS)
    unknown = sorted(set(chosen) - set(MODELS))
    if unknown:
        raise NightshiftError(f"unknown model(s) {', '.join(unknown)}; choose from {MODELS}")
    logical = day.date() if day else _today_in_business_tz()
    window = RunWindow.for_business_date(logical - timedelta(days=1), get_settings().tz)
    began = time.monotonic()
    for name in MODELS:
        if name not in chosen:
            continue
        started = time.monotonic()
        result = nightly.TRAINERS[name](window.to_ref(), full=full)
        detail = ", ".join(f"{k}={v}" for k, v in result.items() if k != "mlflow_run_id")
        typer.echo(f"{name:<10} {time.monotonic() - started:7.1f} s  {detail}")
    kind = "full (cold)" if full else "nightly (warm)"
    typer.secho(
        f"{kind} training of {len(chosen)} model(s) for business date {window.business_date}: "
        f"{time.monotonic() - began:.1f} s",
        bold=True,
    )
