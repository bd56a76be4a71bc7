"""The Celery executor's parts of the local stack: a Redis broker and the Celery workers.

``nightshift services up --executor celery`` (``make airflow EXECUTOR=celery``) runs, besides
Airflow's own services, a ``redis-server`` on a free local port (unless
NIGHTSHIFT_CELERY_BROKER_URL names a broker) and two workers: ``worker-default`` serves the
default queue with NIGHTSHIFT_CELERY_CONCURRENCY slots, ``worker-train`` serves the train queue
(NIGHTSHIFT_TRAIN_QUEUE, the GPU queue in production) with one slot. More workers join with
``nightshift services add-worker``. Celery's result backend is Airflow's metadata database
(the provider's default), so no second store is needed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pipelines.errors import NightshiftError
from pipelines.settings import Settings

REDIS = "redis"
WORKER_PREFIX = "worker-"
DEFAULT_WORKER = "worker-default"
TRAIN_WORKER = "worker-train"
# Set in each worker's environment: the name its tasks report as their host (see below).
WORKER_NAME_ENV = "NIGHTSHIFT_CELERY_WORKER"
HOSTNAME_CALLABLE = "pipelines.orchestration.celery_stack.worker_hostname"


def default_queue() -> str:
    return os.environ.get("AIRFLOW__OPERATORS__DEFAULT_QUEUE", "default")


def is_redis(name: str) -> bool:
    return name == REDIS


def is_worker(name: str) -> bool:
    return name.startswith(WORKER_PREFIX)


def worker_name(name: str) -> str:
    return name if is_worker(name) else f"{WORKER_PREFIX}{name}"


def _run_dir(settings: Settings) -> Path:
    return settings.airflow_home / "run"


def _redis_port_file(settings: Settings) -> Path:
    return _run_dir(settings) / "redis.port"


def stack_services(settings: Settings) -> tuple[str, ...]:
    """Start order: the broker first (the scheduler connects to it at start-up), the workers
    last (they need the api-server to run tasks)."""
    from pipelines.orchestration.services import SERVICES

    broker = () if settings.celery_broker_url else (REDIS,)
    return (*broker, *SERVICES, DEFAULT_WORKER, TRAIN_WORKER)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def choose_redis_port(settings: Settings) -> int:
    port = _free_port()
    _run_dir(settings).mkdir(parents=True, exist_ok=True)
    _redis_port_file(settings).write_text(f"{port}\n")
    return port


def broker_url(settings: Settings) -> str:
    """The configured broker, else the local redis-server of the running stack."""
    if settings.celery_broker_url:
        return settings.celery_broker_url
    try:
        port = int(_redis_port_file(settings).read_text())
    except (FileNotFoundError, ValueError):
        raise NightshiftError(
            "no Celery broker: set NIGHTSHIFT_CELERY_BROKER_URL or start the stack with "
            "`make airflow EXECUTOR=celery`"
        ) from None
    return f"redis://127.0.0.1:{port}/0"


def redis_command(settings: Settings) -> list[str]:
    """A throw-away broker: loopback only, no persistence (Airflow re-queues lost tasks)."""
    program = shutil.which("redis-server")
    if program is None:
        raise NightshiftError(
            "redis-server not found: install it (`make system-deps`, or apt-get install "
            "redis-server) or point NIGHTSHIFT_CELERY_BROKER_URL at a broker"
        )
    data = settings.airflow_home / "redis"
    data.mkdir(parents=True, exist_ok=True)
    port = int(_redis_port_file(settings).read_text())
    return [program, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
            "--save", "", "--appendonly", "no", "--daemonize", "no"]  # fmt: skip


def airflow_settings(settings: Settings, broker: str) -> dict[str, str]:
    """What every Airflow process of a Celery stack needs on top of airflow_env's."""
    wanted = {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(settings.celery_concurrency),
    }
    # The executor is chosen here, not by the environment airflow_env honours.
    return {k: (v if k == "AIRFLOW__CORE__EXECUTOR" else os.environ.get(k, v))
            for k, v in wanted.items()}  # fmt: skip


def _worker_file(settings: Settings, name: str) -> Path:
    return _run_dir(settings) / f"{name}.json"


def define_worker(settings: Settings, name: str, queues: list[str], concurrency: int) -> None:
    """Record an added worker's queues and slots (the two standard ones come from settings)."""
    if not queues or concurrency < 1:
        raise NightshiftError("a worker needs at least one queue and one slot")
    spec = {"queues": queues, "concurrency": concurrency}
    _worker_file(settings, name).write_text(json.dumps(spec))


def worker_spec(settings: Settings, name: str) -> tuple[list[str], int]:
    if name == DEFAULT_WORKER:
        return [default_queue()], settings.celery_concurrency
    if name == TRAIN_WORKER:
        # One slot: one training at a time on the (GPU) machine, like the trainer pool.
        return [settings.train_queue], 1
    spec = json.loads(_worker_file(settings, name).read_text())
    return list(spec["queues"]), int(spec["concurrency"])


def worker_arguments(settings: Settings, name: str) -> list[str]:
    queues, concurrency = worker_spec(settings, name)
    return [
        "celery", "worker", "--queues", ",".join(queues), "--concurrency", str(concurrency),
        # Several workers on one machine: each needs its own node name and PID file.
        "--celery-hostname", f"{name}@%h", "--pid", str(_run_dir(settings) / f"{name}.celery"),
        # The api-server reads task logs from the shared disk; no log server on port 8793.
        "--skip-serve-logs", "--without-mingle", "--without-gossip",
    ]  # fmt: skip


def worker_environment(name: str) -> dict[str, str]:
    return {WORKER_NAME_ENV: name, "AIRFLOW__CORE__HOSTNAME_CALLABLE": HOSTNAME_CALLABLE}


def worker_hostname() -> str:
    """The host a task reports (Airflow's ``hostname_callable`` in the local stack's workers):
    ``<worker>@<machine>``, so the UI and the API tell which of the workers sharing this machine
    ran a task. Elsewhere it is the machine's name, as Airflow's default."""
    from airflow.utils.net import getfqdn

    name = os.environ.get(WORKER_NAME_ENV)
    return f"{name}@{getfqdn()}" if name else getfqdn()


def wait_for_redis(settings: Settings, deadline: float) -> None:
    port = int(_redis_port_file(settings).read_text())
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise NightshiftError(f"redis-server did not listen on port {port}")


def answering_workers(broker: str, timeout_s: float = 1.0) -> set[str]:
    """The Celery node names that answer a ping on ``broker`` (e.g. worker-train@host)."""
    from celery import Celery

    app = Celery("nightshift-ping", broker=broker)
    try:
        replies = app.control.ping(timeout=timeout_s)
    finally:
        app.close()
    return {node for reply in replies for node in reply}


def wait_for_workers(
    broker: str, names: Iterable[str], deadline: float, check: Callable[[], None]
) -> None:
    """Until every named worker answers a ping; ``check`` raises when a service died."""
    wanted = set(names)
    answered: set[str] = set()
    while time.monotonic() < deadline:
        check()
        answered = {node.split("@", 1)[0] for node in answering_workers(broker)}
        if wanted <= answered:
            return
        time.sleep(1.0)
    raise NightshiftError(
        f"Celery workers {sorted(wanted - answered)} did not answer on {broker}: "
        "see their logs (<airflow_home>/logs/worker-*.log)"
    )


def remove_run_files(settings: Settings) -> None:
    _redis_port_file(settings).unlink(missing_ok=True)
    for path in _run_dir(settings).glob(f"{WORKER_PREFIX}*.json"):
        path.unlink(missing_ok=True)
    for path in _run_dir(settings).glob(f"{WORKER_PREFIX}*.celery"):
        path.unlink(missing_ok=True)
