"""A whole nightshift stack of its own for scale-out and fault tests: its own data dir, embedded
PostgreSQL, MLflow store, simulated landing, local weather API and SMTP sink, and `make airflow`'s
services (``nightshift services up --detach``) on free ports. Everything is started through the
CLI in a clean environment (this test process's Airflow configuration belongs to the session's
stack) and stopped by PID.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

from pipelines.db import embedded
from pipelines.orchestration import services
from pipelines.orchestration.local_run import DAG_ID, logical_datetime
from pipelines.settings import Settings
from pipelines.simulator.weather_server import start_weather_server, stop_weather_server
from tests.mail_sink import free_port, smtp_sink

NIGHTSHIFT = str(Path(sys.executable).parent / "nightshift")
FINISHED = ("success", "failed")
# Small enough for CI, big enough for every model: churn needs ~10 weeks of member visits.
STORES, SEED = 2, 7

# Keyed by business_date: the day's published data and the scores of its reviews.
CORE_TABLES = ("core.pos_lines", "core.door_counts", "core.staffing", "core.reviews",
               "core.weather_hourly", "loyalty.review_scores")  # fmt: skip
# Keyed by run_date: everything the night writes for its users.
RUN_TABLES = ("forecast.traffic_hourly", "forecast.sales_daily", "plan.staffing", "plan.shifts",
              "plan.shift_totals", "plan.promotions", "loyalty.churn_scores",
              "loyalty.rewards")  # fmt: skip


def business(night: date) -> date:
    return night - timedelta(days=1)


def clean_environment() -> dict[str, str]:
    """This process's environment without any nightshift or Airflow setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("NIGHTSHIFT_", "AIRFLOW"))}


@dataclass
class Stack:
    """One stack; ``env`` holds what every CLI call and service gets."""

    base: Path
    executor: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.base / "data", _env_file=None)  # type: ignore[call-arg]

    def cli(self, *args: str, timeout_s: float = 600, check: bool = True) -> str:
        result = subprocess.run(
            [NIGHTSHIFT, *args], env=self.env, capture_output=True, text=True, timeout=timeout_s
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"nightshift {' '.join(args)} exited {result.returncode}:\n"
                + result.stdout[-3000:] + result.stderr[-3000:]
            )  # fmt: skip
        return result.stdout

    def api(self) -> services.AirflowApi:
        return services.api(self.settings)

    def engine(self) -> Engine:
        socket_dir = embedded.status(self.settings.pgdata_dir).socket_dir
        return create_engine(f"postgresql+psycopg2://postgres@/nightshift?host={socket_dir}")

    # --- runs -----------------------------------------------------------------------------
    def trigger(self, night: date) -> str:
        run_id = f"manual__{night}"
        at = logical_datetime(night, self.settings.tz)
        self.api().call(
            "POST",
            f"/api/v2/dags/{DAG_ID}/dagRuns",
            json={"dag_run_id": run_id, "logical_date": at.isoformat()},
        )
        return run_id

    def backfill(self, first: date, last: date, wait: bool = True) -> str:
        self.wait_for_backfills()  # Airflow runs one backfill per DAG at a time
        return self.cli(
            "backfill", "--start", str(first), "--end", str(last),
            "--reprocess-behavior", "completed", "--wait" if wait else "--no-wait",
            "--poll-seconds", "2", timeout_s=3000,
        )  # fmt: skip

    def wait_for_backfills(self, timeout_s: float = 120) -> None:
        """Until Airflow has closed every backfill (a moment after its last run ended)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.api().call("GET", "/api/v2/backfills", params={"dag_id": DAG_ID})
            if all(b["completed_at"] for b in found["backfills"]):
                return
            time.sleep(1)
        raise AssertionError(f"a backfill was still open after {timeout_s} s")

    def run(self, run_id: str) -> dict[str, Any]:
        return dict(self.api().call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}"))

    def runs(self) -> list[dict[str, Any]]:
        found = self.api().call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", params={"limit": 200})
        return list(found["dag_runs"])

    def tasks(self, run_id: str) -> list[dict[str, Any]]:
        path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances"
        return list(self.api().call("GET", path, params={"limit": 100})["task_instances"])

    def tries(self, run_id: str, task_id: str) -> list[dict[str, Any]]:
        path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{task_id}/tries"
        return list(self.api().call("GET", path)["task_instances"])

    def wait(self, run_id: str, since: float = 0.0, timeout_s: float = 1200) -> dict[str, Any]:
        """The run once finished (and, for a re-run, finished after ``since``, an epoch)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            run = self.run(run_id)
            if run["state"] in FINISHED and epoch(run["end_date"]) > since:
                return run
            time.sleep(2)
        raise AssertionError(f"{run_id} did not finish within {timeout_s} s")

    def timings(self, run_ids: list[str]) -> str:
        """Each task's duration (a line per task, slowest first), for the test's output."""
        lines = []
        for run_id in run_ids:
            for t in self.tasks(run_id):
                lines.append(
                    (t["duration"] or 0.0, f"{run_id} {t['task_id']} try {t['try_number']}")
                )
        return "\n".join(f"{d:7.1f} s  {what}" for d, what in sorted(lines, reverse=True))

    def run_of(self, night: date) -> dict[str, Any]:
        """The (one) Airflow run of a night."""
        mine = [r for r in self.runs() if self.night_of(r) == night]
        assert len(mine) == 1, [r["dag_run_id"] for r in mine]
        return mine[0]

    def night_of(self, run: dict[str, Any]) -> date:
        at = datetime.fromisoformat(run["logical_date"])
        return at.astimezone(self.settings.tz).date()

    def failures(self, run_id: str) -> str:
        """The failed tasks of a run, with the end of the first one's log."""
        failed = [t for t in self.tasks(run_id) if t["state"] in ("failed", "upstream_failed")]
        if not failed:
            return "no failed task"
        first = failed[0]
        path = (
            f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{first['task_id']}"
            f"/logs/{max(first['try_number'], 1)}"
        )
        try:
            lines = [
                str(line.get("event", line)) for line in self.api().call("GET", path)["content"]
            ]
        except Exception as error:
            lines = [f"(log unavailable: {error})"]
        return f"failed: {[t['task_id'] for t in failed]}; log:\n" + "\n".join(lines[-40:])

    # --- the warehouse --------------------------------------------------------------------
    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        engine = self.engine()
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(text(sql), params)]
        finally:
            engine.dispose()

    def checksums(self, nights: list[date]) -> dict[tuple[str, date], str]:
        """Row count and md5 of each output table's rows for each night's business date."""
        engine = self.engine()
        sums: dict[tuple[str, date], str] = {}
        try:
            with engine.connect() as conn:
                for night in nights:
                    day = business(night)
                    for table in (*CORE_TABLES, *RUN_TABLES):
                        column = "business_date" if table in CORE_TABLES else "run_date"
                        sums[(table, day)] = str(conn.execute(text(
                            f"select count(*) || ':' || md5(coalesce(string_agg(t::text, '|'"
                            f" order by t::text), '')) from {table} t where {column} = :day"
                        ), {"day": day}).scalar_one())  # fmt: skip
        finally:
            engine.dispose()
        return sums


@contextmanager
def running_stack(
    executor: str,
    history: tuple[date, date],
    simulated_until: date,
    landing: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """A started stack with ``history`` (business dates) loaded; stopped by PID afterwards,
    with a check that none of its processes is left."""
    base = Path(tempfile.mkdtemp(prefix="nsstack-"))  # short: unix socket paths are limited
    stack = Stack(base, executor)
    data = base / "data"
    landing = landing or simulate(base / "landing", history[0], simulated_until)
    processes: dict[int, str] = {}
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, base, True)
        weather, thread = start_weather_server(landing, "127.0.0.1", 0)
        cleanup.callback(stop_weather_server, weather, thread)
        sink = cleanup.enter_context(smtp_sink())
        stack.port = free_port()
        stack.env = (
            clean_environment()
            | {
                "NIGHTSHIFT_DATA_DIR": str(data),
                "NIGHTSHIFT_LANDING_URL": str(landing),
                "NIGHTSHIFT_EXECUTOR": executor,
                "NIGHTSHIFT_WEATHER_ARCHIVE_URL": f"{weather.url}/v1/archive",
                "NIGHTSHIFT_WEATHER_FORECAST_URL": f"{weather.url}/v1/forecast",
                "NIGHTSHIFT_SMTP_HOST": sink.host,
                "NIGHTSHIFT_SMTP_PORT": str(sink.port),
                # CI-sized sentiment fine-tunes, as the e2e and scheduler tests: on 200 reviews
                # the model stays majority-class and rightly never beats that baseline, so no
                # review would be scored and churn would lose its sentiment features.
                "NIGHTSHIFT_SENTIMENT_TRAIN_EXAMPLES": "400",
                # Only the runs a test asks for: unpausing would otherwise start the latest night.
                "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                "MLFLOW_DISABLE_TELEMETRY": "true",
            }
            | (extra_env or {})
        )
        cleanup.callback(stack.cli, "db", "stop", check=False)
        stack.cli("ingest", "--start", str(history[0]), "--end", str(history[1]))
        try:
            stack.cli("services", "up", "--detach", "--port", str(stack.port), timeout_s=300)
            processes = services.process_tree(stack.settings)
            yield stack
        finally:
            processes |= services.process_tree(stack.settings)
            stack.cli("services", "down", check=False)
    left = services.still_running(processes)
    assert not left, f"processes left behind: {left}"


def epoch(timestamp: str | None) -> float:
    if not timestamp:
        return 0.0
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def simulate(landing: Path, first: date, last: date) -> Path:
    from pipelines.simulator.core import SimulationConfig, run_simulation

    run_simulation(SimulationConfig(stores=STORES, start=first, end=last, seed=SEED, out=landing))
    return landing


# Each run table's rows for a night, as the night itself counted them (ops.pipeline_runs).
COUNTED = {
    "forecast.traffic_hourly": "forecast.traffic_rows",
    "forecast.sales_daily": "forecast.sales_rows",
    "plan.staffing": "plan.staffing_rows",
    "plan.shifts": "plan.shifts",
    "plan.promotions": "promotions.promotions_proposed",
    "loyalty.churn_scores": "score_customers.customers_scored",
    "loyalty.rewards": "rewards.customers_scored",
}
RAW_DATASETS = ("pos_lines", "door_counts", "staffing", "reviews", "weather")
MODELS = ("customer_churn", "review_sentiment", "sales_rf", "traffic_rnn")


def assert_one_partition_per_date(stack: Stack, nights: list[date]) -> None:
    """Each night's business date is in every output table exactly once: one successful run
    row, one decision per model, and every table holds the rows its night counted (a second
    or half-replaced copy of a date would not add up)."""
    for night in nights:
        day = business(night)
        runs = stack.rows(
            "select status, counts from ops.pipeline_runs where business_date = :d", d=day
        )
        assert [status for status, _ in runs] == ["success"], (day, runs)
        counts = runs[0][1]
        decisions = stack.rows(
            "select model_name, count(*) from ops.model_promotions where business_date = :d"
            " group by 1 order by 1", d=day,
        )  # fmt: skip
        assert decisions == [(model, 1) for model in MODELS], (day, decisions)
        for table, key in COUNTED.items():
            [(rows,)] = stack.rows(f"select count(*) from {table} where run_date = :d", d=day)
            assert rows == counts[key] and rows > 0, (day, table, rows, counts[key])
        for dataset in RAW_DATASETS:
            loads = stack.rows(
                "select rows_loaded, rows_published from ops.loads"
                " where business_date = :d and source = :s", d=day, s=dataset,
            )  # fmt: skip
            assert len(loads) == 1, (day, dataset, loads)
            core = "weather_hourly" if dataset == "weather" else dataset
            [(raw,)] = stack.rows(
                f"select count(*) from raw.{dataset} where business_date = :d", d=day
            )
            [(published,)] = stack.rows(
                f"select count(*) from core.{core} where business_date = :d", d=day
            )
            assert (raw, published) == loads[0], (day, dataset, raw, published, loads)
