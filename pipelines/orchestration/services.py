"""Airflow 3's services, locally: api-server, dag-processor, scheduler and triggerer as child
processes.

This is the real scheduler (LocalExecutor, the project's DAGs, metadata on the configured
PostgreSQL; see airflow_env), unlike ``nightshift run``, which runs one DAG run in-process.
Each service runs in its own process group, because it forks workers that must stop with it.
Its PID goes to ``<airflow_home>/run/<service>.pid`` and its output to
``<airflow_home>/logs/<service>.log``, so any later process can find and stop them.
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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from pipelines.errors import NightshiftError
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
DEFAULT_PORT = 8080
# Simple auth manager users as user:role; Airflow generates each one's password on first start.
DEFAULT_USERS = "admin:admin"
START_TIMEOUT_S = 180.0
STOP_GRACE_S = 30.0

# Services started by this process: polling them reaps them when they exit (no zombies).
_children: dict[int, subprocess.Popen[bytes]] = {}


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


def resolve_port(port: int | None) -> int:
    return port if port is not None else int(os.environ.get("AIRFLOW__API__PORT", DEFAULT_PORT))


def service_environment(settings: Settings, port: int) -> dict[str, str]:
    """This process's environment plus Airflow's, for the services and the ``airflow`` CLI."""
    env = {**os.environ, **airflow_environment(settings)}
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
    for name in SERVICES:
        pid = _read_pid(settings, name)
        states.append(ServiceState(name, pid, pid is not None and _alive(pid)))
    return states


def all_running(settings: Settings) -> bool:
    return all(state.running for state in status(settings))


def start(
    settings: Settings, port: int | None = None, timeout_s: float = START_TIMEOUT_S
) -> Started:
    """Migrate the metadata DB, start the services, wait until healthy, unpause the DAG."""
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
    env = service_environment(settings, port)
    apply_airflow_environment(settings)  # this process migrates the same metadata database
    _migrate_quietly()
    try:
        for name in SERVICES:
            _spawn(settings, name, env)
        _port_file(settings).write_text(str(port))
        deadline = time.monotonic() + timeout_s
        _wait_until_healthy(settings, AirflowApi(port), deadline)
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


def watch(settings: Settings, poll_s: float = 2.0) -> ServiceState:
    """Block while every service runs; return the first one that is not running any more."""
    while True:
        for state in status(settings):
            if not state.running:
                return state
        time.sleep(poll_s)


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
    for batch in (SERVICES[1:], SERVICES[:1]):  # the others first, then the API
        leaders = []
        for name in batch:
            pid = _read_pid(settings, name)
            if pid is not None and _alive(pid):
                stopped.append(name)
                leaders.append(pid)
        _terminate(leaders, grace_s)
    _remove_run_files(settings)
    return stopped


def process_tree(settings: Settings) -> dict[int, str]:
    """Every process of the running services and their descendants: PID -> start time."""
    tree: dict[int, str] = {}
    for state in status(settings):
        if state.running and state.pid is not None:
            tree |= _descendants(state.pid)
    return tree


def still_running(processes: dict[int, str]) -> list[int]:
    """The PIDs of ``processes`` (from process_tree) that still exist: same PID, same start."""
    return [pid for pid, started in processes.items() if _started_at(pid) == started]


def _terminate(leaders: list[int], grace_s: float) -> None:
    # Task processes run in process groups of their own (Airflow's supervisor puts them there
    # so it can kill their subprocesses), so the leaders' groups do not cover them: remember
    # the whole tree now, as orphans could no longer be found through their parents.
    tree: dict[int, str] = {}
    for pid in leaders:
        tree |= _descendants(pid)
        _signal_group(pid, signal.SIGTERM)

    def remaining() -> bool:
        return any(_group_alive(pid) for pid in leaders) or bool(still_running(tree))

    deadline = time.monotonic() + grace_s
    while remaining() and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in leaders:
        if _group_alive(pid):
            _signal_group(pid, signal.SIGKILL)
    for pid in still_running(tree):
        _signal_group(pid, signal.SIGKILL)
    while remaining() and time.monotonic() < deadline + 5:
        time.sleep(0.1)


def _spawn(settings: Settings, name: str, env: dict[str, str]) -> None:
    airflow = str(Path(sys.executable).parent / "airflow")
    log = log_file(settings, name)
    log.parent.mkdir(parents=True, exist_ok=True)
    run_dir(settings).mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        child = subprocess.Popen(
            [airflow, name, *ARGUMENTS[name]],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group: stop() can signal its workers too, and Ctrl-C in the
            # terminal reaches only `services up`, which then stops everything in order.
            start_new_session=True,
        )
    _children[child.pid] = child
    _pid_file(settings, name).write_text(f"{child.pid}\n")


def _wait_until_healthy(settings: Settings, client: AirflowApi, deadline: float) -> None:
    wanted = ("metadatabase", "scheduler", "dag_processor", "triggerer")
    report: dict[str, Any] = {}
    while time.monotonic() < deadline:
        for state in status(settings):
            if not state.running:
                log = log_file(settings, state.name)
                raise NightshiftError(f"Airflow {state.name} exited while starting: see {log}")
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


def _reap(pid: int) -> None:
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        del _children[pid]


def _alive(pid: int) -> bool:
    """Whether ``pid`` is still one of our Airflow processes (not a reused PID or a zombie)."""
    if _started_at(pid) is None:
        return False
    try:
        return any("airflow" in part for part in psutil.Process(pid).cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _started_at(pid: int) -> str | None:
    """The process's start time (with its PID, its identity), None when gone or a zombie."""
    _reap(pid)
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return repr(process.create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _descendants(pid: int) -> dict[int, str]:
    """``pid`` and everything below it: PID -> start time."""
    try:
        family = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    found: dict[int, str] = {}
    for process in family:
        started = _started_at(process.pid)
        if started is not None:
            found[process.pid] = started
    return found


def _group_alive(pgid: int) -> bool:
    _reap(pgid)
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        # Only a leader of its own group (as started here) is signalled as a group.
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _remove_run_files(settings: Settings) -> None:
    for name in SERVICES:
        _pid_file(settings, name).unlink(missing_ok=True)
    _port_file(settings).unlink(missing_ok=True)
    _stopping_file(settings).unlink(missing_ok=True)
