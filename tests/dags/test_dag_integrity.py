"""DAG integrity: every DAG file imports cleanly, cheaply and without touching a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from pipelines.paths import DAGS_DIR

DAG_FILES = sorted(p for p in DAGS_DIR.glob("*.py") if not p.name.startswith("_"))

# Run in a fresh interpreter so nothing imported by other tests can hide a parse-time import.
# Every way of reaching a database or a connection raises, and heavy libraries are reported.
PARSE_GUARD = r"""
import json, sys
def refuse(*args, **kwargs):
    raise RuntimeError("database or connection touched while parsing DAGs")
import psycopg2, psycopg
psycopg2.connect = refuse
psycopg.connect = refuse
psycopg.Connection.connect = classmethod(refuse)
from sqlalchemy import event
from sqlalchemy.engine import Engine
event.listen(Engine, "connect", refuse)
from airflow.sdk import BaseHook
BaseHook.get_connection = classmethod(refuse)
before = set(sys.modules)
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
heavy = sorted(m for m in ("torch", "mlflow", "great_expectations", "sklearn", "transformers")
               if m in sys.modules)
print(json.dumps({"errors": {k: str(v) for k, v in bag.import_errors.items()},
                  "dag_ids": sorted(bag.dag_ids), "heavy": heavy}))
"""


def _parse(folder: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PARSE_GUARD, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def parse_report() -> dict[str, Any]:
    return _parse(DAGS_DIR)


def test_the_guard_catches_a_dag_that_queries_at_parse_time(tmp_path: Path) -> None:
    (tmp_path / "bad_dag.py").write_text(
        "import psycopg2\n"
        "psycopg2.connect('postgresql://nobody@127.0.0.1:9/x')\n"
        "from airflow.sdk import dag\n"
        "@dag(schedule=None)\n"
        "def bad():\n    pass\n"
        "bad()\n"
    )
    report = _parse(tmp_path)
    assert any("touched while parsing" in e for e in report["errors"].values())


def test_there_are_dag_files() -> None:
    assert DAG_FILES, "no DAG files found"


def test_dags_import_without_errors_and_without_touching_a_database(
    parse_report: dict[str, Any],
) -> None:
    assert parse_report["errors"] == {}
    assert "nightshift_nightly" in parse_report["dag_ids"]


def test_parsing_imports_no_heavy_library(parse_report: dict[str, Any]) -> None:
    assert parse_report["heavy"] == []


@pytest.fixture(scope="module")
def dags() -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    assert not bag.import_errors
    return bag.dags


def test_every_dag_is_documented_and_tagged(dags: dict[str, Any]) -> None:
    for dag in dags.values():
        assert dag.tags, f"{dag.dag_id} has no tags"
        assert dag.doc_md and len(dag.doc_md) > 200, f"{dag.dag_id} has no doc_md"


def test_every_task_retries_with_backoff_and_a_timeout(dags: dict[str, Any]) -> None:
    for dag in dags.values():
        for task in dag.tasks:
            assert task.retries >= 1, f"{dag.dag_id}.{task.task_id} never retries"
            assert task.retry_exponential_backoff, f"{task.task_id} has no back-off"
            assert task.execution_timeout is not None, f"{task.task_id} may run forever"
            assert task.on_failure_callback, f"{task.task_id} fails silently"


def test_nightly_schedule_is_02_00_business_time_without_catchup(dags: dict[str, Any]) -> None:
    dag = dags["nightshift_nightly"]
    timetable = dag.timetable
    assert timetable.expression == "0 2 * * *"
    assert str(timetable.timezone) == "America/Lima"
    # No interval, so Airflow labels every kind of run with its night: a night run by hand and
    # the same night in a backfill are then one run (test_scheduler shows the backfill side).
    assert timetable.interval == timedelta(0)
    assert dag.catchup is False
    assert 1 <= dag.max_active_runs <= 4


def test_nightly_flow_order(dags: dict[str, Any]) -> None:
    dag = dags["nightshift_nightly"]
    chains = [
        ["open_run", "reference", "pos.extract", "pos.load", "pos.validate", "pos.publish",
         "train_traffic", "forecast", "plan", "promotions", "run_summary", "close_run"],
        ["reviews.publish", "train_sentiment", "score_reviews", "train_churn", "score_customers",
         "rewards", "run_summary"],
        ["train_sales", "forecast"],
        ["plan", "staffing_emails", "close_run"],
        ["score_reviews", "staffing_emails"],  # the email shows the week's review signal
        # The monitor watches tonight's forecasts and scores, before the night is summed up.
        ["forecast", "monitor", "run_summary", "close_run"],
        ["score_customers", "monitor"],
    ]  # fmt: skip
    for order in chains:
        for upstream, downstream in pairwise(order):
            ancestors = dag.get_task(downstream).get_flat_relative_ids(upstream=True)
            assert upstream in ancestors, f"{upstream} must run before {downstream}"


def test_a_failed_email_cannot_block_the_plans(dags: dict[str, Any]) -> None:
    dag = dags["nightshift_nightly"]
    emails = dag.get_task("staffing_emails")
    publishing = {"forecast", "plan", "promotions", "rewards", "score_customers"}
    assert not publishing & emails.get_flat_relative_ids(upstream=False)


def test_nothing_is_published_unless_every_gate_passed(dags: dict[str, Any]) -> None:
    dag = dags["nightshift_nightly"]
    gates = {t.task_id for t in dag.tasks if t.task_id.endswith("validate")} | {"validate_calendar"}
    publishes = [t for t in dag.tasks if t.task_id.endswith(".publish")]
    assert {p.task_id for p in publishes} == {"pos.publish", "weather.publish", "reviews.publish"}
    for publish in publishes:
        assert gates <= publish.get_flat_relative_ids(upstream=True), publish.task_id


def test_training_tasks_share_the_one_slot_trainer_pool(dags: dict[str, Any]) -> None:
    dag = dags["nightshift_nightly"]
    trainers = [t for t in dag.tasks if t.task_id.startswith("train_")]
    assert trainers and all(t.pool == "trainer" for t in trainers)


def test_training_tasks_go_to_the_train_queue_and_everything_else_to_the_default(
    dags: dict[str, Any],
) -> None:
    """Celery sends the train tasks to the train (GPU) worker; the local executor, which
    ignores queues, runs them like any other (the e2e and scheduler tests run it)."""
    dag = dags["nightshift_nightly"]
    queues = {t.task_id: t.queue for t in dag.tasks}
    trainers = {task for task in queues if task.startswith("train_")}
    assert trainers == {"train_traffic", "train_sales", "train_sentiment", "train_churn"}
    assert {queues[task] for task in trainers} == {"train"}
    assert {q for task, q in queues.items() if task not in trainers} == {"default"}
    # No pod template configured: no executor_config at all (KubernetesExecutor only).
    assert all(not t.executor_config for t in dag.tasks)


def test_the_train_queue_and_pod_template_come_from_the_settings(tmp_path: Path) -> None:
    """NIGHTSHIFT_TRAIN_QUEUE / NIGHTSHIFT_TRAIN_POD_TEMPLATE, as the Helm values set them."""
    template = "/opt/airflow/pod_templates/train.yaml"
    script = (
        "import json, sys\n"
        "from airflow.dag_processing.dagbag import DagBag\n"
        "dag = DagBag(dag_folder=sys.argv[1]).dags['nightshift_nightly']\n"
        "print(json.dumps({t.task_id: [t.queue, t.executor_config] for t in dag.tasks}))\n"
    )
    env = {**os.environ, "NIGHTSHIFT_TRAIN_QUEUE": "gpu", "NIGHTSHIFT_TRAIN_POD_TEMPLATE": template}
    result = subprocess.run(
        [sys.executable, "-c", script, str(DAGS_DIR)],
        capture_output=True, text=True, timeout=120, check=True, env=env,
    )  # fmt: skip
    tasks = json.loads(result.stdout.strip().splitlines()[-1])
    for task_id, (queue, executor_config) in tasks.items():
        if task_id.startswith("train_"):
            assert (queue, executor_config) == ("gpu", {"pod_template_file": template})
        else:
            assert (queue, executor_config) == ("default", {}), task_id
