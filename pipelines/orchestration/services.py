"""Airflow 3's services, locally: api-server, dag-processor, scheduler and triggerer as child
processes; with the Celery executor also a Redis broker and two Celery workers.

This is the real scheduler (the project's DAGs, metadata on the configured PostgreSQL; see
airflow_env), unlike ``nightshift run``, which runs one DAG run in-process. Each service runs in
its own process group, because it forks workers that must stop with it. Its PID goes to
``<airflow_home>/run/<service>.pid`` and its output to ``<airflow_home>/logs/<service>.log``, so
any later process can find, stop, kill or restart them; ``run/services`` lists what was started.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pipelines.errors import NightshiftError
from pipelines.orchestration import celery_stack, processes
from pipelines.orchestration.airflow_env import airflow_environment, apply_airflow_environment
from pipelines.orchestration.local_run import DAG_ID, migrate_airflow_metadata
from pipelines.settings import Settings

# Start order: tasks reach the metadata DB through the api-server, so it comes first and, when
# stopping, goes last (killed tasks can still report their state).
SERVICES = ("api-server", "dag-processor", "scheduler", "triggerer")
ARGUMENTS = {
    "api-server": (),
    "dag-processor": (),
    # All services share this machine's disk, so the api-server reads task logs directly; the
    # log-serving side process would also claim port 8793, clashing with any other local stack.
    "scheduler": ("--skip-serve-logs",),
    # Runs deferred tasks: the morning email's hold (NIGHTSHIFT_REPORT_SEND_TIME) waits here.
    "triggerer": ("--skip-serve-logs",),
}
EXECUTORS = ("local", "celery")
# Restarts crashed services (see supervise); not a service of its own in status().
SUPERVISOR = "supervisor"
RESTART_LIMIT = 5
RESTART_WINDOW_S = 600.0
DEFAULT_PORT = 8080
# Simple auth manager users as user:role; Airflow generates each one's password on first start.
DEFAULT_USERS = "admin:admin"
START_TIMEOUT_S = 180.0
STOP_GRACE_S = 30.0


@dataclass(frozen=True)
class ServiceState:
    name: str
    pid: int | None
    running: bool


@dataclass(frozen=True)
class Login:
    username: str
    password: str


@dataclass(frozen=True)
class Started:
    url: str
    login: Login
    logs: Path


def run_dir(settings: Settings) -> Path:
    return settings.airflow_home / "run"


def logs_dir(settings: Settings) -> Path:
    return settings.airflow_home / "logs"


def log_file(settings: Settings, name: str) -> Path:
    return logs_dir(settings) / f"{name}.log"


def _pid_file(settings: Settings, name: str) -> Path:
    return run_dir(settings) / f"{name}.pid"


def _port_file(settings: Settings) -> Path:
    return run_dir(settings) / "api-server.port"


def _stopping_file(settings: Settings) -> Path:
    return run_dir(settings) / "stopping"


def _services_file(settings: Settings) -> Path:
    return run_dir(settings) / "services"


def _executor_file(settings: Settings) -> Path:
    return run_dir(settings) / "executor"


def started_services(settings: Settings) -> tuple[str, ...]:
    """The services the running stack was started with (the local executor's when unknown)."""
    try:
        names = tuple(_services_file(settings).read_text().split())
    except FileNotFoundError:
        return SERVICES
    return names or SERVICES


def running_executor(settings: Settings) -> str:
    """The executor the running stack was started with."""
    try:
        return _executor_file(settings).read_text().strip()
    except FileNotFoundError:
        return settings.executor


def _command(settings: Settings, name: str) -> list[str]:
    if celery_stack.is_redis(name):
        return celery_stack.redis_command(settings)
    airflow = str(Path(sys.executable).parent / "airflow")
    if celery_stack.is_worker(name):
        return [airflow, *celery_stack.worker_arguments(settings, name)]
    return [airflow, name, *ARGUMENTS[name]]


def resolve_port(port: int | None) -> int:
    return port if port is not None else int(os.environ.get("AIRFLOW__API__PORT", DEFAULT_PORT))


def service_environment(
    settings: Settings, port: int, executor: str | None = None
) -> dict[str, str]:
    """This process's environment plus Airflow's, for the services and the ``airflow`` CLI."""
    env = {**os.environ, **airflow_environment(settings)}
    if (executor or running_executor(settings)) == "celery":
        env.update(celery_stack.airflow_settings(settings, celery_stack.broker_url(settings)))
    # The services start further `airflow ...` processes (task runners) found on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # One port decides both where the API listens and where task processes reach it.
    env["AIRFLOW__API__PORT"] = str(port)
    env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://localhost:{port}/execution/"
    # The simple auth manager is for development: keep it off the network.
    env.setdefault("AIRFLOW__API__HOST", "127.0.0.1")
    env.setdefault("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", DEFAULT_USERS)
    return env


def login(settings: Settings, env: Mapping[str, str] = os.environ) -> Login:
    """The first configured user and the password Airflow generated for it."""
    users = env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", DEFAULT_USERS)
    username = users.split(",")[0].split(":")[0].strip()
    path = Path(
        env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
        or settings.airflow_home / "simple_auth_manager_passwords.json.generated"
    )
    try:
        passwords = json.loads(path.read_text() or "{}")
    except FileNotFoundError:
        passwords = {}
    if username not in passwords:
        raise NightshiftError(f"no password for Airflow user {username!r} in {path} yet")
    return Login(username, passwords[username])


class AirflowApi:
    """Airflow's REST API (/api/v2) on the local api-server, with a JWT from /auth/token."""

    def __init__(self, port: int, credentials: Login | None = None, timeout_s: float = 10.0):
        self.base_url = f"http://localhost:{port}"
        self._credentials = credentials
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout_s)
        self._token: str | None = None

    def health(self) -> dict[str, Any]:
        """GET /api/v2/monitor/health (no login needed)."""
        response = self._client.get("/api/v2/monitor/health")
        response.raise_for_status()
        return dict(response.json())

    def token(self) -> str:
        if self._token is None:
            if self._credentials is None:
                raise NightshiftError("no Airflow login to ask the API for a token with")
            response = self._client.post(
                "/auth/token",
                json={
                    "username": self._credentials.username,
                    "password": self._credentials.password,
                },
            )
            response.raise_for_status()
            self._token = str(response.json()["access_token"])
        return self._token

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token()}"}
        response = self._client.request(method, path, headers=headers, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None


def api(settings: Settings) -> AirflowApi:
    """A logged-in client for the running services (their port is recorded at start)."""
    return AirflowApi(recorded_port(settings), login(settings))


def recorded_port(settings: Settings) -> int:
    try:
        return int(_port_file(settings).read_text())
    except FileNotFoundError:
        raise NightshiftError(
            "the Airflow services are not running: start them with `make airflow`"
        ) from None


def status(settings: Settings) -> list[ServiceState]:
    states = []
    for name in started_services(settings):
        pid = _read_pid(settings, name)
        states.append(
            ServiceState(name, pid, pid is not None and processes.alive(pid, _marker(name)))
        )
    return states


def all_running(settings: Settings) -> bool:
    """Every service runs, except Celery workers whose queues the others still serve."""
    states = status(settings)
    return all(state.running or _queues_served(settings, state.name, states) for state in states)


def _queues_served(settings: Settings, worker: str, states: list[ServiceState]) -> bool:
    """Whether ``worker`` is a Celery worker whose every queue a running worker serves."""
    if not celery_stack.is_worker(worker):
        return False
    served = {
        queue
        for state in states
        if state.running and state.name != worker and celery_stack.is_worker(state.name)
        for queue in celery_stack.worker_spec(settings, state.name)[0]
    }
    return set(celery_stack.worker_spec(settings, worker)[0]) <= served


def start(
    settings: Settings,
    port: int | None = None,
    timeout_s: float = START_TIMEOUT_S,
    executor: str | None = None,
) -> Started:
    """Migrate the metadata DB, start the services, wait until healthy, unpause the DAG.

    ``executor`` (default: NIGHTSHIFT_EXECUTOR): ``local``, or ``celery``: a Redis broker (a
    local redis-server unless NIGHTSHIFT_CELERY_BROKER_URL is set) and two Celery workers, one
    for the default queue and one, with a single slot, for the train queue.
    """
    executor = executor or settings.executor
    if executor not in EXECUTORS:
        raise NightshiftError(f"unknown executor {executor!r}: choose one of {EXECUTORS}")
    port = resolve_port(port)
    running = [f"{s.name} (pid {s.pid})" for s in status(settings) if s.running]
    if running:
        raise NightshiftError(
            f"Airflow services already running: {', '.join(running)}; "
            "stop them with `make airflow-stop`"
        )
    if _port_answers(port):
        raise NightshiftError(f"port {port} is already in use: choose another with --port")
    _remove_run_files(settings)
    names: tuple[str, ...] = SERVICES
    if executor == "celery":
        names = celery_stack.stack_services(settings)
        run_dir(settings).mkdir(parents=True, exist_ok=True)
        if celery_stack.REDIS in names:  # a broker of our own, on a free port
            celery_stack.choose_redis_port(settings)
    env = service_environment(settings, port, executor)
    apply_airflow_environment(settings)  # this process migrates the same metadata database
    _migrate_quietly()
    try:
        run_dir(settings).mkdir(parents=True, exist_ok=True)
        _services_file(settings).write_text("\n".join(names) + "\n")
        _executor_file(settings).write_text(executor)
        deadline = time.monotonic() + timeout_s
        for name in names:
            _spawn(settings, name, env)
            if celery_stack.is_redis(name):
                celery_stack.wait_for_redis(settings, deadline)
        _port_file(settings).write_text(str(port))
        _wait_until_healthy(settings, AirflowApi(port), deadline)
        if executor == "celery":
            workers = [n for n in names if celery_stack.is_worker(n)]
            celery_stack.wait_for_workers(
                celery_stack.broker_url(settings), workers, deadline, lambda: _exited(settings)
            )
        credentials = login(settings, env)
        _unpause(AirflowApi(port, credentials), DAG_ID, deadline)
    except BaseException:  # includes Ctrl-C while waiting: never leave half a stack behind
        stop(settings)
        raise
    return Started(f"http://localhost:{port}", credentials, logs_dir(settings))


def _migrate_quietly() -> None:
    """``airflow db migrate`` logs every step at INFO; at start-up only problems matter."""
    import airflow  # noqa: F401  (sets up logging, which would reset the levels below)

    loggers = [logging.getLogger(name) for name in ("alembic", "airflow.utils.db")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        migrate_airflow_metadata()
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def supervise(
    settings: Settings, poll_s: float = 2.0, log: Callable[[str], None] = print
) -> ServiceState | None:
    """Keep the stack up until stop() is called: a service that exited (a crash, a database
    restart it did not survive, a kill) is started again, as systemd or compose's restart
    policy would. A dead Celery worker is replaced only when no other worker serves its
    queues: its lost tasks are retried on those (Airflow notices the missing heartbeats).
    Returns None once stopped on purpose, or the service that kept dying (RESTART_LIMIT
    restarts within RESTART_WINDOW_S)."""
    restarts: dict[str, list[float]] = {}
    covered: set[str] = set()  # dead workers left down, said once
    while not stopping(settings):
        states = status(settings)
        for state in states:
            if state.running or stopping(settings):
                continue
            if _queues_served(settings, state.name, states):
                if state.name not in covered:
                    log(f"{state.name} is not running; other workers serve its queues")
                    covered.add(state.name)
                continue
            now = time.monotonic()
            recent = [t for t in restarts.get(state.name, []) if now - t < RESTART_WINDOW_S]
            if len(recent) >= RESTART_LIMIT:
                log(f"{state.name} exited {len(recent)} times in a row: giving up on it")
                return state
            restarts[state.name] = [*recent, now]
            log(f"{state.name} is not running (see {log_file(settings, state.name)}): restarting")
            try:
                _spawn(settings, state.name, _restart_environment(settings))
            except (NightshiftError, OSError) as error:
                log(f"could not restart {state.name}: {error}")
        time.sleep(poll_s)
    return None


def start_supervisor(settings: Settings) -> int:
    """``nightshift services supervise`` in the background, for a detached stack."""
    command = [str(Path(sys.executable).parent / "nightshift"), "services", "supervise"]
    log = log_file(settings, SUPERVISOR)
    with log.open("ab") as output:
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    processes.children[child.pid] = child
    _pid_file(settings, SUPERVISOR).write_text(f"{child.pid}\n")
    return child.pid


def supervisor_state(settings: Settings) -> ServiceState:
    pid = _read_pid(settings, SUPERVISOR)
    return ServiceState(
        SUPERVISOR, pid, pid is not None and processes.alive(pid, _marker(SUPERVISOR))
    )


def stopping(settings: Settings) -> bool:
    """Whether stop() is under way or done (a service that vanished was stopped on purpose)."""
    return _stopping_file(settings).exists() or not _port_file(settings).exists()


def stop(settings: Settings, grace_s: float = STOP_GRACE_S) -> list[str]:
    """SIGTERM each service's process group, SIGKILL whatever is left after ``grace_s``.

    Idempotent: services already gone (or never started) are skipped and their PID files
    removed. Returns the names of the services that were running.
    """
    stopped = []
    if run_dir(settings).exists():
        _stopping_file(settings).touch()
    supervisor = supervisor_state(settings)
    if supervisor.running and supervisor.pid is not None:  # first: it would restart the rest
        processes.terminate([supervisor.pid], grace_s)
    _pid_file(settings, SUPERVISOR).unlink(missing_ok=True)
    names = started_services(settings)
    api, broker = ["api-server"], [n for n in names if celery_stack.is_redis(n)]
    others = [n for n in names if n not in api and n not in broker]
    # The others first, then the API (tasks report their end through it), the broker last.
    for batch in (others, api, broker):
        leaders = []
        for name in batch:
            pid = _read_pid(settings, name)
            if pid is not None and processes.alive(pid, _marker(name)):
                stopped.append(name)
                leaders.append(pid)
        processes.terminate(leaders, grace_s)
    _remove_run_files(settings)
    return stopped


def kill(settings: Settings, name: str) -> list[int]:
    """SIGKILL one service and everything below it, task processes included, as if its machine
    had died: nothing of it gets to clean up. Returns the PIDs killed."""
    pid = _read_pid(settings, name)
    if pid is None or not processes.alive(pid, _marker(name)):
        raise NightshiftError(f"Airflow service {name} is not running")
    tree = processes.descendants(pid)
    for member in tree:
        processes.signal_group(member, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while still_running(tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    return sorted(tree)


def _restart_environment(settings: Settings) -> dict[str, str]:
    return service_environment(settings, recorded_port(settings), running_executor(settings))


def add_worker(
    settings: Settings, name: str, queues: list[str], concurrency: int,
    timeout_s: float = START_TIMEOUT_S,
) -> str:  # fmt: skip
    """One more Celery worker on the running Celery stack (stopped with it); its name."""
    if running_executor(settings) != "celery" or not all_running(settings):
        raise NightshiftError(
            "no Celery stack is running: start one with `make airflow EXECUTOR=celery`"
        )
    name = celery_stack.worker_name(name)
    if name in started_services(settings):
        raise NightshiftError(f"a service named {name} already exists")
    celery_stack.define_worker(settings, name, queues, concurrency)
    _spawn(settings, name, _restart_environment(settings))
    # Listed only once it runs: the supervisor would otherwise start it a second time.
    _services_file(settings).write_text("\n".join([*started_services(settings), name]) + "\n")
    deadline = time.monotonic() + timeout_s
    celery_stack.wait_for_workers(
        celery_stack.broker_url(settings), [name], deadline, lambda: _exited(settings)
    )
    return name


def still_running(tree: dict[int, str]) -> list[int]:
    """The PIDs of ``tree`` (from process_tree) that still exist: same PID, same start."""
    return processes.still_running(tree)


def process_tree(settings: Settings) -> dict[int, str]:
    """Every process of the running services and their descendants: PID -> start time."""
    tree: dict[int, str] = {}
    for state in [*status(settings), supervisor_state(settings)]:
        if state.running and state.pid is not None:
            tree |= processes.descendants(state.pid)
    return tree


def _spawn(settings: Settings, name: str, env: dict[str, str]) -> None:
    log = log_file(settings, name)
    log.parent.mkdir(parents=True, exist_ok=True)
    run_dir(settings).mkdir(parents=True, exist_ok=True)
    if celery_stack.is_worker(name):
        env = {**env, **celery_stack.worker_environment(name)}
    with log.open("ab") as output:
        child = subprocess.Popen(
            _command(settings, name),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group: stop() can signal its workers too, and Ctrl-C in the
            # terminal reaches only `services up`, which then stops everything in order.
            start_new_session=True,
        )
    processes.children[child.pid] = child
    _pid_file(settings, name).write_text(f"{child.pid}\n")


def _exited(settings: Settings) -> None:
    """Raise when a started service is no longer running (it failed while starting)."""
    for state in status(settings):
        if not state.running and state.pid is not None:
            log = log_file(settings, state.name)
            raise NightshiftError(f"Airflow {state.name} exited while starting: see {log}")


def _wait_until_healthy(settings: Settings, client: AirflowApi, deadline: float) -> None:
    wanted = ("metadatabase", "scheduler", "dag_processor", "triggerer")
    report: dict[str, Any] = {}
    while time.monotonic() < deadline:
        _exited(settings)
        try:
            report = client.health()
        except httpx.HTTPError:
            report = {}
        if report and all((report.get(part) or {}).get("status") == "healthy" for part in wanted):
            return
        time.sleep(1.0)
    raise NightshiftError(
        f"Airflow not healthy after start-up ({report or 'API not answering'}): "
        f"see the logs in {logs_dir(settings)}"
    )


def _unpause(client: AirflowApi, dag_id: str, deadline: float) -> None:
    """New DAGs start paused; the DAG exists in the API once the dag-processor has parsed it."""
    while True:
        try:
            client.call("PATCH", f"/api/v2/dags/{dag_id}", json={"is_paused": False})
            return
        except httpx.HTTPStatusError as error:
            if error.response.status_code != 404 or time.monotonic() > deadline:
                raise NightshiftError(
                    f"could not unpause {dag_id} ({error.response.status_code}): "
                    "see `nightshift airflow dags list-import-errors`"
                ) from error
        time.sleep(1.0)


def _port_answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _read_pid(settings: Settings, name: str) -> int | None:
    try:
        return int(_pid_file(settings, name).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _marker(name: str) -> str:
    """What the command line of the service's process contains (a reused PID does not)."""
    if name == SUPERVISOR:
        return "supervise"
    return "redis-server" if celery_stack.is_redis(name) else "airflow"


def _remove_run_files(settings: Settings) -> None:
    for name in started_services(settings):
        _pid_file(settings, name).unlink(missing_ok=True)
    for path in (_port_file(settings), _stopping_file(settings), _services_file(settings),
                 _executor_file(settings)):  # fmt: skip
        path.unlink(missing_ok=True)
    celery_stack.remove_run_files(settings)
