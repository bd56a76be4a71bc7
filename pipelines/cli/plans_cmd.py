"""``nightshift plans``: nightshift's decisions scored in a closed loop on the simulator.

``compare`` replays the same weeks of a simulated chain with nightshift's staffing plan and
with the baselines a store would use anyway; ``promotions`` checks the promotion plan's stated
intervals and margins against the simulator's true effects. Both need no database (the chain
lives in memory) and import their libraries inside the command.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from pipelines.errors import NightshiftError

app = typer.Typer(
    help="Staffing and promotion plans scored against the simulated chain (closed loop).",
    no_args_is_help=True,
)

Stores = Annotated[int, typer.Option(min=1, help="Simulated stores.")]
Seed = Annotated[int, typer.Option(help="Simulation seed (the same seed, the same chain).")]
Start = Annotated[
    datetime, typer.Option(formats=["%Y-%m-%d"], help="First simulated day of the history.")
]
JsonOut = Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON.")]


@app.callback()
def plans() -> None:
    """Staffing and promotion plans scored against the simulated chain (closed loop)."""


def _write_json(path: Path | None, payload: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
        typer.echo(f"figures written to {path}")


@app.command()
def compare(
    stores: Stores = 20,
    weeks: Annotated[int, typer.Option(min=1, help="Weeks replayed with each plan.")] = 8,
    history_days: Annotated[
        int, typer.Option(min=56, help="Days simulated before them (training history).")
    ] = 730,
    seed: Seed = 7,
    start: Start = datetime(2024, 1, 1),
    max_epochs: Annotated[
        int | None, typer.Option(min=1, help="Cap the traffic model's epochs (quick runs).")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write the per-plan table as CSV.")] = None,
    json_path: JsonOut = None,
) -> None:
    """Replay the weeks after the history with each staffing plan and print what followed:
    labour hours and cost, customers served in time, sales lost to understaffing."""
    from dataclasses import replace

    from pipelines.evaluation.plans import ComparisonConfig, compare_plans, format_table

    if history_days < 7 * 8:
        raise NightshiftError("--history-days must be at least 56 (the traffic model's context)")
    config = ComparisonConfig(
        stores=stores,
        history_days=history_days,
        weeks=weeks,
        seed=seed,
        start=start.date(),
    )
    if max_epochs is not None:
        config = replace(config, traffic=replace(config.traffic, max_epochs=max_epochs))
    result = compare_plans(config, progress=lambda message: typer.echo(f"… {message}", err=True))
    typer.echo(
        f"{stores} stores, {weeks} weeks from {config.first_day} to {config.last_day} "
        f"(seed {seed}, {history_days} days of history before)\n"
    )
    typer.echo(format_table(result))
    if output is not None:
        result.table.to_csv(output, index=False)
        typer.echo(f"table written to {output}")
    _write_json(
        json_path,
        {"table": result.table.to_dict("records"), "goals": result.goals,
         "seconds": result.seconds},
    )  # fmt: skip


@app.command()
def promotions(
    stores: Stores = 20,
    history_days: Annotated[
        int, typer.Option(min=90, help="Days simulated before the first origin.")
    ] = 730,
    origins: Annotated[int, typer.Option(min=1, help="Weekly nights to plan promotions on.")] = 4,
    sample: Annotated[
        int, typer.Option(min=10, help="Candidates per night drawn uniformly to check.")
    ] = 300,
    seed: Seed = 7,
    start: Start = datetime(2024, 1, 1),
    trees: Annotated[int, typer.Option(min=10, help="Trees of the sales forest.")] = 200,
    json_path: JsonOut = None,
) -> None:
    """Plan promotions on simulated nights and check them against the simulator's truth: the
    stated 80% interval's coverage and the true margin of what was proposed."""
    from datetime import timedelta

    from models.sales.config import SalesConfig
    from pipelines.evaluation.chain import simulate_chain
    from pipelines.evaluation.promotion_check import check_promotions, format_summary

    first: date = start.date() + timedelta(days=history_days)
    nights = [first + timedelta(days=7 * k) for k in range(origins)]
    typer.echo(f"… simulating {stores} stores to {nights[-1]}", err=True)
    history = simulate_chain(stores, start.date(), nights[-1], seed, horizon_end=nights[-1])
    typer.echo("… pricing candidates and their true effects", err=True)
    result = check_promotions(
        history, nights, SalesConfig(n_estimators=trees), sample=sample, seed=seed
    )
    typer.echo(f"{stores} stores, nights {nights[0]} .. {nights[-1]} (seed {seed})\n")
    typer.echo(format_summary(result.summary))
    _write_json(json_path, result.summary)
