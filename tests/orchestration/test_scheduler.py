"""The real scheduler, locally: the services of `make airflow` run a triggered night and a
backfill, and every night's outputs exist exactly once.

The demo's data (simulated landing, local weather API, loaded history) is prepared as
`nightshift demo` does, with the e2e test's simulation so one session simulates only once.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from pipelines.db.engine import ensure_database, warehouse_url
from pipelines.demo import load_history, local_outbox, simulated_landing, simulated_weather
from pipelines.errors import NightshiftError
from pipelines.orchestration import services
from pipelines.orchestration.local_run import DAG_ID, logical_datetime
from pipelines.settings import Settings, get_settings

NIGHTSHIFT = str(Path(sys.executable).parent / "nightshift")
# Logical dates (nights); each processes the business date before it. The triggered night is
# the e2e demo's (tests/cli): run in the same session, its models are reused, not retrained.
NIGHTS = (date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22))
# Triggered by hand before the backfill; not the last night, so the backfill must also run
# the night after it (a label clash once made it redo this run in that night's place).
TRIGGERED = NIGHTS[1]
# tests/cli/test_cli.py's demo: 2 stores, seed 7, 11 weeks up to business date 2026-11-21.
STORES, SEED, FIRST_DAY, LAST_DAY = 2, 7, date(2026, 9, 5), date(2026, 11, 21)

# Keyed by business_date: the day's published data and the scores of its reviews.
CORE_TABLES = ("core.pos_lines", "core.door_counts", "core.staffing", "core.reviews",
               "core.weather_hourly", "loyalty.review_scores")  # fmt: skip
# Keyed by run_date: everything the night writes for its users.
RUN_TABLES = ("forecast.traffic_hourly", "forecast.sales_daily", "plan.staffing", "plan.shifts",
              "plan.shift_totals", "plan.promotions", "loyalty.churn_scores",
              "loyalty.rewards", "explanations.sales_drivers", "explanations.traffic_days",
              "explanations.traffic_drivers", "explanations.churn_drivers",
              "explanations.promotion_drivers", "explanations.feature_importance")  # fmt: skip


def _business(night: date) -> date:
    return night - timedelta(days=1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def private_url(settings: Settings) -> Iterator[str]:
    """A warehouse database of its own: other tests leave their stores (and so their cities'
    weather) in the shared one, which would change what a re-run night loads."""
    url = warehouse_url(settings).set(database=f"sched_{uuid.uuid4().hex[:10]}")
    ensure_database(url)
    yield url.render_as_string(hide_password=False)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'drop database "{url.database}" with (force)'))
    admin.dispose()


@pytest.fixture(scope="module")
def engine(private_url: str) -> Iterator[Engine]:
    """The private warehouse (shadows the session-wide ``engine`` in this module)."""
    private = create_engine(private_url)
    yield private
    private.dispose()


@pytest.fixture(scope="module")
def airflow_api(settings: Settings, private_url: str) -> Iterator[services.AirflowApi]:
    """`make airflow`'s services on a free port, on demo data; stopped by PID afterwards."""
    env = pytest.MonkeyPatch()
    env.setenv("NIGHTSHIFT_DATABASE_URL", private_url)
    # Only runs this test asks for: unpausing would otherwise start the latest night at once.
    env.setenv("AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE", "False")
    # Keep the first champion: a re-run is then comparable whatever the backfill's other
    # nights would have promoted meanwhile (runs go side by side, in no fixed order).
    env.setenv("NIGHTSHIFT_PROMOTION_MARGIN", "1000000")
    env.setenv("NIGHTSHIFT_SENTIMENT_TRAIN_EXAMPLES", "400")  # as the e2e test: CI-sized
    get_settings.cache_clear()
    processes: dict[int, str] = {}
    try:
        with ExitStack() as stack:
            simulated_landing(settings, STORES, FIRST_DAY, LAST_DAY, SEED)
            stack.enter_context(simulated_weather(settings))
            # Every day before the triggered night's business date: re-runs change nothing.
            load_history(get_settings(), FIRST_DAY, _business(TRIGGERED) - timedelta(days=1))
            stack.enter_context(local_outbox(get_settings(), _business(TRIGGERED)))
            services.start(get_settings(), port=_free_port())
            try:
                processes = services.process_tree(settings)
                yield services.api(settings)
            finally:
                processes |= services.process_tree(settings)
                services.stop(settings)
    finally:
        env.undo()
        get_settings.cache_clear()
    assert not services.still_running(processes), "Airflow processes left behind"
    assert not any(state.running for state in services.status(settings))


def _wait_for_run(api: services.AirflowApi, run_id: str, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = api.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")
        if run["state"] in ("success", "failed"):
            return dict(run)
        time.sleep(2)
    raise AssertionError(f"{run_id} did not finish within {timeout_s} s")


def _failed_tasks(api: services.AirflowApi, run_id: str) -> str:
    """The failed tasks of a run, with the end of the first one's log."""
    base = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances"
    failed = [t for t in api.call("GET", base)["task_instances"] if t["state"] == "failed"]
    if not failed:
        return "no failed task"
    first = failed[0]
    log = api.call("GET", f"{base}/{first['task_id']}/logs/{first['try_number']}")
    lines = []
    for line in log.get("content", []):
        lines.append(str(line.get("event", line)) if isinstance(line, dict) else str(line))
        # Airflow 3 keeps a failure's traceback beside the message, not in it.
        if isinstance(line, dict) and line.get("error_detail"):
            lines.append(json.dumps(line["error_detail"], default=str)[-4000:])
    return f"failed: {[t['task_id'] for t in failed]}; {first['task_id']} log:\n" + "\n".join(
        lines[-40:]
    )


def _checksum(engine: Engine, table: str, column: str, day: date) -> str:
    """Row count and md5 of the ordered rows (these tables hold no write timestamps)."""
    query = text(
        f"select count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
        f" from {table} t where {column} = :day"
    )
    with engine.connect() as conn:
        return str(conn.execute(query, {"day": day}).scalar_one())


def _checksums(engine: Engine) -> dict[tuple[str, date], str]:
    sums: dict[tuple[str, date], str] = {}
    for night in NIGHTS:
        day = _business(night)
        sums |= {(t, day): _checksum(engine, t, "business_date", day) for t in CORE_TABLES}
        sums |= {(t, day): _checksum(engine, t, "run_date", day) for t in RUN_TABLES}
    return sums


def _rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def test_backfill_without_the_services_says_how_to_start_them(tmp_path: Path) -> None:
    result = subprocess.run(
        [NIGHTSHIFT, "backfill", "--start", "2026-11-19", "--end", "2026-11-21"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "NIGHTSHIFT_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "nightshift: error: the Airflow services are not running: start them with `make airflow`"
    ]


def test_stop_is_safe_with_stale_pid_files_and_never_kills_a_stranger(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    gone = subprocess.Popen(["true"])
    gone.wait()
    stranger = subprocess.Popen(["sleep", "60"])  # a reused PID: not an Airflow process
    try:
        run_dir = services.run_dir(settings)
        run_dir.mkdir(parents=True)
        (run_dir / "scheduler.pid").write_text(f"{gone.pid}\n")
        (run_dir / "api-server.pid").write_text(f"{stranger.pid}\n")
        assert not any(state.running for state in services.status(settings))
        assert services.stop(settings, grace_s=1) == []
        assert services.stop(settings, grace_s=1) == []  # idempotent
        assert stranger.poll() is None
        assert list(run_dir.iterdir()) == []
    finally:
        stranger.kill()
        stranger.wait()


def test_start_refuses_a_busy_port_before_touching_anything(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(NightshiftError, match=f"port {port} is already in use"):
            services.start(Settings(data_dir=tmp_path), port=port)
    assert not (tmp_path / "airflow").exists()


def _xcom(api: services.AirflowApi, run_id: str, task_id: str) -> dict[str, Any]:
    """A task's return value, as the REST API gives it back."""
    entry = api.call(
        "GET",
        f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/return_value",
        params={"deserialize": True},
    )
    value = entry["value"]
    return dict(json.loads(value) if isinstance(value, str) else value)


def _decisions(engine: Engine, day: date) -> list[tuple[Any, ...]]:
    """Which model versions each model's decision for ``day`` registered and served."""
    return _rows(
        engine,
        "select model_name, challenger_version, champion_version, promoted"
        " from ops.model_promotions where business_date = :d order by model_name",
        d=day,
    )


# Up to four nights of the whole DAG (four trainings each) on a 2-core machine: 5-15 min.
@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_services_run_a_triggered_night_and_a_backfill_exactly_once(
    airflow_api: services.AirflowApi, engine: Engine, settings: Settings
) -> None:
    # `make airflow` runs all four services, the triggerer included (deferred sensors wait
    # there), and the API reports each healthy.
    states = {state.name: state.running for state in services.status(settings)}
    assert states == {"api-server": True, "dag-processor": True, "scheduler": True,
                      "triggerer": True}  # fmt: skip
    health = airflow_api.health()
    assert {part: health[part]["status"] for part in ("scheduler", "triggerer")} == {
        "scheduler": "healthy", "triggerer": "healthy"}  # fmt: skip
    listed = airflow_api.call("GET", "/api/v2/dags", params={"dag_id_pattern": DAG_ID})
    assert [(d["dag_id"], d["is_paused"]) for d in listed["dags"]] == [(DAG_ID, False)]

    # A night triggered by hand, labelled with the night as a user (or `nightshift run`) does:
    # a backfill over it must redo that run and still run the next night (it used to take this
    # run, labelled like the scheduler's run of the next night, for that one, and skip it).
    night_at = logical_datetime(TRIGGERED, settings.tz)
    run_id = f"manual__{TRIGGERED}"
    airflow_api.call(
        "POST",
        f"/api/v2/dags/{DAG_ID}/dagRuns",
        json={"dag_run_id": run_id, "logical_date": night_at.isoformat()},
    )
    run = _wait_for_run(airflow_api, run_id, timeout_s=900)
    assert run["state"] == "success", _failed_tasks(airflow_api, run_id)
    before = _checksums(engine)
    decided = _decisions(engine, _business(TRIGGERED))
    # The monitor read Airflow's own task durations from inside a task process.
    recorded = _rows(
        engine,
        "select task_id from monitoring.task_durations where business_date = :d",
        d=_business(TRIGGERED),
    )
    assert {"train_traffic", "forecast"} <= {task for (task,) in recorded}, recorded
    assert all(not before[(t, _business(TRIGGERED))].startswith("0:") for t in RUN_TABLES)

    backfill = subprocess.run(
        [NIGHTSHIFT, "backfill", "--start", str(NIGHTS[0]), "--end", str(NIGHTS[-1]),
         "--reprocess-behavior", "completed", "--wait", "--poll-seconds", "2"],
        capture_output=True, text=True, timeout=1200, env=dict(os.environ),
    )  # fmt: skip
    assert backfill.returncode == 0, backfill.stdout[-3000:] + backfill.stderr[-3000:]
    for night in NIGHTS:
        assert f"{night}    {_business(night)}     success" in backfill.stdout, backfill.stdout
    # --wait returns once Airflow has closed the backfill: the next one can start at once.
    newest = airflow_api.call(
        "GET", "/api/v2/backfills", params={"dag_id": DAG_ID, "order_by": "-id", "limit": 1}
    )["backfills"]
    assert newest and newest[0]["completed_at"], newest

    # One Airflow run per night: the triggered one was redone, not duplicated. (Other tests'
    # in-process runs share this metadata database, hence the filter.)
    runs = airflow_api.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", params={"limit": 100})
    ours = [r for r in runs["dag_runs"] if r["run_type"] == "backfill" or r["dag_run_id"] == run_id]
    ends = [datetime.fromisoformat(r["data_interval_end"]) for r in ours]
    nights = sorted(end.astimezone(settings.tz).date() for end in ends)
    assert [night for night in nights if night in NIGHTS] == list(NIGHTS)
    # The backfill's nights know they are one (their train tasks may reuse a recent model).
    for run in (r for r in ours if r["run_type"] == "backfill"):
        window = _xcom(airflow_api, run["dag_run_id"], "open_run")
        assert window["backfill"] == "true", window
    after = _checksums(engine)
    for night in NIGHTS:
        day = _business(night)
        for table in CORE_TABLES:
            if night <= TRIGGERED:  # re-loaded days replace themselves exactly
                assert after[(table, day)] == before[(table, day)], (table, day)
        # The night after the triggered one ran, for its own business date (it was never
        # loaded before the backfill).
        if night > TRIGGERED:
            assert after[("core.pos_lines", day)] != before[("core.pos_lines", day)]
        for table in RUN_TABLES:
            assert not after[(table, day)].startswith("0:"), (table, day)
        assert _rows(
            engine, "select status from ops.pipeline_runs where business_date = :d", d=day
        ) == [("success",)]
    # The re-run night, while the other nights ran alongside: the same forecasts, plans,
    # promotions, churn scores, rewards and their explanations, row for row.
    for table in RUN_TABLES:
        day = _business(TRIGGERED)
        assert after[(table, day)] == before[(table, day)], table
    # It kept its own night's models (the decisions stand), whatever the others promoted.
    assert _decisions(engine, _business(TRIGGERED)) == decided

    promotions = _rows(
        engine,
        "select business_date, model_name, count(*) from ops.model_promotions"
        " where business_date between :first and :last group by 1, 2",
        first=_business(NIGHTS[0]),
        last=_business(NIGHTS[-1]),
    )
    assert {count for _, _, count in promotions} == {1}
    models = {name for _, name, _ in promotions}
    assert models and len(promotions) == len(models) * len(NIGHTS)
