"""The Celery executor, for real, and the faults a scaled-out deployment meets.

One stack for the whole module (`make airflow EXECUTOR=celery`: Redis, api-server, scheduler,
dag-processor, triggerer, a default-queue worker and a one-slot train-queue worker) on its own
small simulation (2 stores, ~11 weeks). The module's fixture runs a triggered night and a 3-night
backfill through it (~6 minutes on 2 cores); the faults then re-run those nights, whose outputs
must come out identical, or run a night of their own:

1. the night and the backfill: train tasks on the train worker, every date once (``make test``);
2. the scheduler SIGKILLed in the middle of a backfill: restarted, each date once;
3. PostgreSQL restarted in the middle of a night: the cut write fails, retries, the night completes;
4. a Celery worker SIGKILLed in the middle of a train task: retried on the other train worker.

All four are part of ``make test`` (``slow``): ~15 minutes on 2 cores together.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from pipelines.db import embedded
from pipelines.orchestration import services
from tests.orchestration.harness import (
    Stack,
    assert_one_partition_per_date,
    business,
    epoch,
    running_stack,
)
from tests.system_tools import debian_program

FIRST_DAY = date(2026, 9, 5)
TRIGGERED = date(2026, 11, 20)  # logical dates (nights); history ends the day before its date
BACKFILL = [date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)]
KILL_NIGHT = date(2026, 11, 24)
NIGHTS = [TRIGGERED, *BACKFILL]
TRAIN_TASKS = ("train_traffic", "train_sales", "train_sentiment", "train_churn")
STACK_SERVICES = ("redis", "api-server", "dag-processor", "scheduler", "triggerer",
                  "worker-default", "worker-train")  # fmt: skip

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    debian_program("redis-server", "redis-server")
    with running_stack(
        "celery",
        history=(FIRST_DAY, business(TRIGGERED) - timedelta(days=1)),
        simulated_until=business(KILL_NIGHT) + timedelta(days=1),
        extra_env={
            # A task whose worker died is noticed after this long without a heartbeat
            # (Airflow's default: 300 s) and then retried.
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
            # Keep the first champion: re-runs are then comparable whatever later nights
            # would have promoted meanwhile.
            "NIGHTSHIFT_PROMOTION_MARGIN": "1000000",
        },
    ) as started:
        yield started


@pytest.fixture(scope="module")
def first_results(stack: Stack) -> dict[tuple[str, date], str]:
    """A triggered night and a 3-night backfill through the Celery stack; their outputs, which
    the faults' re-runs must reproduce byte for byte."""
    run_id = stack.trigger(TRIGGERED)
    run = stack.wait(run_id)
    assert run["state"] == "success", stack.failures(run_id)
    print(stack.timings([run_id]))
    output = stack.backfill(BACKFILL[0], BACKFILL[-1])
    for night in BACKFILL:
        assert f"{night}    {business(night)}     success" in output, output
    return stack.checksums(NIGHTS)


def _ran_on(stack: Stack, run_id: str) -> dict[str, tuple[str, str]]:
    """task_id -> (queue, the worker that ran its last try)."""
    return {
        t["task_id"]: (t["queue"], (t["hostname"] or "").split("@")[0]) for t in stack.tasks(run_id)
    }


def test_celery_runs_a_night_and_a_backfill_on_its_workers(
    stack: Stack, first_results: dict[tuple[str, date], str]
) -> None:
    # The whole stack runs, the triggerer included (deferred sensors wait there).
    states = {state.name: state.running for state in services.status(stack.settings)}
    assert states == dict.fromkeys(STACK_SERVICES, True)
    health = stack.api().health()
    assert health["triggerer"]["status"] == "healthy", health

    for night in NIGHTS:
        ran = _ran_on(stack, stack.run_of(night)["dag_run_id"])
        assert {task: ran[task] for task in TRAIN_TASKS} == dict.fromkeys(
            TRAIN_TASKS, ("train", "worker-train")
        )
        others = {where for task, where in ran.items() if task not in TRAIN_TASKS}
        assert others == {("default", "worker-default")}, others
    assert_one_partition_per_date(stack, NIGHTS)
    assert not any(digest.startswith("0:") for digest in first_results.values())


def _wait_until(what: str, condition: Any, timeout_s: float = 600) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def _running_tasks(stack: Stack, run_ids: list[str]) -> list[str]:
    return [t["task_id"] for r in run_ids for t in stack.tasks(r) if t["state"] == "running"]


def test_scheduler_killed_mid_backfill_is_restarted_and_each_date_runs_once(
    stack: Stack, first_results: dict[tuple[str, date], str]
) -> None:
    nights = NIGHTS[:3]
    since = time.time()
    stack.backfill(nights[0], nights[-1], wait=False)
    run_ids = [stack.run_of(night)["dag_run_id"] for night in nights]  # re-runs keep their ids
    _wait_until("a backfill night with running tasks", lambda: _running_tasks(stack, run_ids))
    old = _state(stack, "scheduler")
    killed = services.kill(stack.settings, "scheduler")
    assert old.pid in killed
    # The stack's supervisor starts a new scheduler, which adopts the tasks still running.
    new = _wait_until(
        "a new scheduler",
        lambda: (state := _state(stack, "scheduler")).running and state.pid != old.pid and state,
        timeout_s=60,
    )
    assert new.pid not in killed

    for run_id in run_ids:
        run = stack.wait(run_id, since=since)
        assert run["state"] == "success", stack.failures(run_id)
    print(stack.timings(run_ids))
    # Each night once: one Airflow run per night and one result, identical to test 1's.
    assert [stack.run_of(night)["dag_run_id"] for night in nights] == run_ids
    assert_one_partition_per_date(stack, nights)
    after = stack.checksums(nights)
    assert after == {key: first_results[key] for key in after}


def _state(stack: Stack, name: str) -> services.ServiceState:
    return next(s for s in services.status(stack.settings) if s.name == name)


def test_database_restart_mid_night_fails_tasks_that_retry_and_the_night_completes(
    stack: Stack, first_results: dict[tuple[str, date], str]
) -> None:
    night = BACKFILL[-1]
    since = time.time()
    # The restart must catch a write in flight: the forecast's replace of its date waits on
    # this lock until the database goes away under it (a step between two queries would just
    # reconnect through its engine's pre-ping, and prove nothing).
    engine = stack.engine()
    locker = engine.connect()
    locker.begin()
    locker.exec_driver_sql("lock table forecast.traffic_hourly in access exclusive mode")
    try:
        stack.backfill(night, night, wait=False)
        run_id = stack.run_of(night)["dag_run_id"]
        _wait_until("the forecast's write waiting for its table", lambda: _blocked_on_lock(stack))
        embedded.restart(stack.settings.pgdata_dir)
    finally:
        locker.invalidate()  # its server process is gone with the restart
        engine.dispose()
    run = stack.wait(run_id, since=since)
    assert run["state"] == "success", stack.failures(run_id)
    print(stack.timings([run_id]))
    # The cut write failed and ran again, after the retry delay, on the restarted database.
    tries = [t for t in stack.tries(run_id, "forecast") if epoch(t["start_date"]) > since]
    assert [t["state"] for t in tries][-1] == "success" and len(tries) >= 2, tries
    # Whatever did not survive the lost database runs again (the supervisor restarts it).
    assert services.all_running(stack.settings)
    # No duplicate, no half-replaced partition: the re-run's outputs are test 1's exactly.
    assert_one_partition_per_date(stack, [night])
    after = stack.checksums([night])
    assert after == {key: first_results[key] for key in after}


def _blocked_on_lock(stack: Stack) -> bool:
    waiting = stack.rows(
        "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
        " and query ilike '%traffic_hourly%'"
    )
    return bool(waiting[0][0])


def _mlflow_runs(stack: Stack, model: str, day: date) -> list[Any]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=stack.settings.tracking_uri)
    experiments = [e.experiment_id for e in client.search_experiments()]
    return list(
        client.search_runs(
            experiments,
            f"tags.`nightshift.model` = '{model}' and tags.`nightshift.business_date` = '{day}'",
        )
    )


def _registered_from(stack: Stack, model: str, run_ids: set[str]) -> list[str]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=stack.settings.tracking_uri)
    versions = client.search_model_versions(f"name = '{model}'")
    return sorted(str(v.version) for v in versions if v.run_id in run_ids)


def test_worker_killed_mid_training_retries_on_the_other_worker_and_publishes_once(
    stack: Stack,
) -> None:
    # A second train-queue worker (production: a second GPU machine).
    standby = stack.cli("services", "add-worker", "--name", "train-2", "--queues", "train")
    assert "worker-train-2 serves train" in standby
    run_id = stack.trigger(KILL_NIGHT)

    def training_for_a_while() -> dict[str, Any] | None:
        for task in stack.tasks(run_id):
            if task["task_id"] in TRAIN_TASKS and task["state"] == "running":
                started = task["start_date"]
                if started and time.time() - epoch(started) > 4:  # past start-up: training
                    return task
        return None

    victim = _wait_until("a train task in the middle of training", training_for_a_while)
    print("killing the worker of", victim["task_id"], victim["hostname"])
    worker = victim["hostname"].split("@")[0]
    assert worker in ("worker-train", "worker-train-2"), victim
    services.kill(stack.settings, worker)

    run = stack.wait(run_id)
    assert run["state"] == "success", stack.failures(run_id)
    print(stack.timings([run_id]))
    tries = stack.tries(run_id, victim["task_id"])
    assert [t["try_number"] for t in tries] == list(range(1, len(tries) + 1))
    killed_try, last = tries[0], tries[-1]
    assert killed_try["state"] in ("failed", "up_for_retry") and last["state"] == "success", tries
    other = {"worker-train": "worker-train-2", "worker-train-2": "worker-train"}[worker]
    assert last["hostname"].split("@")[0] == other, last
    # The supervisor left the dead worker down: its queue is still served.
    states = {s.name: s.running for s in services.status(stack.settings)}
    assert states[worker] is False and states[other] is True
    assert services.all_running(stack.settings)

    # Nothing partial: one decision per model for the night, and the killed try registered no
    # model version; only the try that finished did.
    day = business(KILL_NIGHT)
    assert_one_partition_per_date(stack, [KILL_NIGHT])
    model = {"train_traffic": "traffic_rnn", "train_sales": "sales_rf",
             "train_sentiment": "review_sentiment", "train_churn": "customer_churn"}[
        victim["task_id"]]  # fmt: skip
    [(decided_run, decided_version)] = stack.rows(
        "select challenger_run_id, challenger_version from ops.model_promotions"
        " where business_date = :d and model_name = :m", d=day, m=model,
    )  # fmt: skip
    runs = _mlflow_runs(stack, model, day)
    finished = {r.info.run_id for r in runs if r.info.status == "FINISHED"}
    assert decided_run in finished
    assert _registered_from(stack, model, {r.info.run_id for r in runs}) == [str(decided_version)]
    [(counts,)] = stack.rows("select counts from ops.pipeline_runs where business_date = :d", d=day)
    assert counts[f"{victim['task_id']}.version"] == decided_version
    # Every output of the night comes from one model version per model.
    for table in ("forecast.traffic_hourly", "forecast.sales_daily", "loyalty.churn_scores"):
        [(versions,)] = stack.rows(
            f"select count(distinct model_version) from {table} where run_date = :d", d=day
        )
        assert versions == 1, table
