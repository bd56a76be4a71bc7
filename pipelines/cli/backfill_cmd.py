"""``nightshift backfill``: ``airflow backfill create`` for nightshift_nightly, without the
syntax to remember, and optionally a wait for the outcome of every date."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from pipelines.errors import NightshiftError
from pipelines.settings import Settings, get_settings
from pipelines.window import RunWindow

if TYPE_CHECKING:
    from pipelines.orchestration.services import AirflowApi

FINISHED = ("success", "failed")


class Reprocess(StrEnum):
    none = "none"
    failed = "failed"
    completed = "completed"


def _date_option(flag: str, what: str) -> Any:
    return typer.Option(flag, formats=["%Y-%m-%d"], help=f"{what} logical date (YYYY-MM-DD).")


def backfill(
    start: Annotated[datetime, _date_option("--start", "First")],
    end: Annotated[datetime, _date_option("--end", "Last")],
    reprocess_behavior: Annotated[
        Reprocess,
        typer.Option(
            help="Dates that already have a run: none = skip them, failed = re-run the failed "
            "ones, completed = re-run them all (a re-run replaces that date's outputs)."
        ),
    ] = Reprocess.completed,
    wait: Annotated[
        bool, typer.Option(help="Wait for every run and print its outcome (exit 1 if any failed).")
    ] = True,
    poll_seconds: Annotated[float, typer.Option(hidden=True)] = 5.0,
) -> None:
    """Backfill nightshift_nightly for logical dates START..END (inclusive) on the running
    Airflow services (`make airflow`).

    Dates are LOGICAL dates: the night a run is scheduled (02:00 business time), as Airflow's
    UI shows them. Logical date D processes business date D-1. Runs go side by side up to the
    DAG's max_active_runs; model training still takes one run at a time (the `trainer` pool),
    and a backfilled night reuses a model trained in the last NIGHTSHIFT_BACKFILL_RETRAIN_DAYS
    nights (7; 1 = retrain every night; the setting is read by the running services).
    """
    import httpx

    from pipelines.orchestration import services
    from pipelines.orchestration.local_run import logical_datetime

    settings = get_settings()
    if end < start:
        raise NightshiftError(f"--end {end:%Y-%m-%d} is before --start {start:%Y-%m-%d}")
    if not services.all_running(settings):
        raise NightshiftError(
            "the Airflow services are not running: start them with `make airflow`"
        )
    first = logical_datetime(start.date(), settings.tz)
    last = logical_datetime(end.date(), settings.tz)
    api = services.api(settings)
    try:
        _create(settings, api, first, last, reprocess_behavior)
        if not wait:
            typer.echo("backfill created; follow it in the Airflow UI or re-run with --wait")
            return
        runs = _wait_for_runs(api, first, last, poll_seconds)
        _wait_until_closed(api, poll_seconds)
    except httpx.HTTPError as error:
        raise NightshiftError(f"Airflow's API at {api.base_url} failed: {error}") from error
    except KeyboardInterrupt:
        typer.echo("stopped waiting; the backfill goes on in Airflow")
        raise typer.Exit(130) from None
    _print_table(runs, settings.tz)
    if any(run["state"] != "success" for run in runs):
        raise typer.Exit(1)


def _create(
    settings: Settings, api: AirflowApi, first: datetime, last: datetime, reprocess: Reprocess
) -> None:
    """`airflow backfill create`, with Airflow's error as one line when it refuses."""
    from pipelines.orchestration import services
    from pipelines.orchestration.local_run import DAG_ID

    # Backfill runs obey the backfill's own limit (Airflow's default: 10), not the DAG's.
    max_active_runs = api.call("GET", f"/api/v2/dags/{DAG_ID}")["max_active_runs"]
    # Airflow selects the runs scheduled (run_after) from..to: give the exact 02:00 instants,
    # since a bare --to-date D means D 00:00 and would leave out night D.
    arguments = ["backfill", "create", "--dag-id", DAG_ID,
                 "--from-date", first.isoformat(), "--to-date", last.isoformat(),
                 "--reprocess-behavior", reprocess.value,
                 "--max-active-runs", str(max_active_runs)]  # fmt: skip
    typer.echo(f"$ nightshift airflow {shlex.join(arguments)}")
    created = subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), *arguments],
        env=services.service_environment(settings, services.recorded_port(settings)),
        capture_output=True,
        text=True,
    )
    if created.returncode != 0:
        lines = [line for line in (created.stderr + created.stdout).splitlines() if line.strip()]
        raise NightshiftError(f"airflow backfill create failed: {lines[-1] if lines else '?'}")


def _runs(api: AirflowApi, first: datetime, last: datetime) -> list[dict[str, Any]]:
    """The runs for nights first..last (02:00 business time)."""
    from pipelines.orchestration.local_run import DAG_ID

    runs: list[dict[str, Any]] = []
    while True:
        page = api.call(
            "GET",
            f"/api/v2/dags/{DAG_ID}/dagRuns",
            params={
                # Every run of the nightly timetable is labelled with its night.
                "logical_date_gte": first.isoformat(),
                "logical_date_lte": last.isoformat(),
                "order_by": "logical_date",
                "limit": 100,
                "offset": len(runs),
            },
        )
        runs.extend(page["dag_runs"])
        if not page["dag_runs"] or len(runs) >= page["total_entries"]:
            break
    return [
        run
        for run in runs
        if run["data_interval_end"]
        and first <= datetime.fromisoformat(run["data_interval_end"]) <= last
    ]


def _wait_for_runs(
    api: AirflowApi, first: datetime, last: datetime, poll_s: float
) -> list[dict[str, Any]]:
    shown = ""
    while True:
        runs = _runs(api, first, last)
        states = [run["state"] for run in runs]
        summary = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states)))
        if summary != shown:
            typer.echo(f"{time.strftime('%H:%M:%S')}  {len(runs)} runs: {summary}")
            shown = summary
        if all(state in FINISHED for state in states):
            return runs
        time.sleep(poll_s)


def _wait_until_closed(api: AirflowApi, poll_s: float, timeout_s: float = 120.0) -> None:
    """Airflow closes a backfill on a scheduler loop after its last run: wait for that, so a
    next backfill (or stopping the services at once) does not find it still running
    (AlreadyRunningBackfill). Best effort: the runs themselves are done."""
    from pipelines.orchestration.local_run import DAG_ID

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        newest = api.call(
            "GET", "/api/v2/backfills", params={"dag_id": DAG_ID, "order_by": "-id", "limit": 10}
        )["backfills"]
        if all(backfill["completed_at"] for backfill in newest):
            return
        time.sleep(poll_s)


def _print_table(runs: list[dict[str, Any]], tz: ZoneInfo) -> None:
    typer.echo(f"{'logical date':<14}{'business date':<15}{'state':<9}{'duration':>10}")
    for run in runs:
        window = RunWindow.from_interval(
            datetime.fromisoformat(run["data_interval_start"]),
            datetime.fromisoformat(run["data_interval_end"]),
            None,
            run["dag_run_id"],
            tz,
        )
        logical, business = window.logical_date, window.business_date
        seconds = run.get("duration")
        duration = f"{seconds:8.1f} s" if seconds is not None else "-"
        typer.secho(
            f"{logical!s:<14}{business!s:<15}{run['state']:<9}{duration:>10}",
            fg=typer.colors.GREEN if run["state"] == "success" else typer.colors.RED,
        )
