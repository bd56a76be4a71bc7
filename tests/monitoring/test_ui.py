"""``nightshift monitor ui`` (``make monitor``) serves the monitoring workspace, as a person sees
it in headless Chromium, and Evidently makes no network call while it does.

The UI runs as the real command in a process of its own (a free port, stopped by its PID) under a
Python audit hook that logs and blocks every connection to a non-local address and every child
process (Evidently's telemetry posts from a detached ``python -c`` child). The control test runs
Evidently's own launcher the same way, telemetry left on, to show the hook does catch it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from pipelines.monitoring.stage import MODELS
from pipelines.monitoring.workspace import workspace_dir
from tests.mail_sink import free_port
from tests.monitoring.conftest import Monitored
from tests.monitoring.seed import NIGHT
from tests.system_tools import debian_program

# Runs a command under an audit hook that logs and refuses network calls and child processes.
GUARD = """
import sys
log = open(sys.argv[1], "a")
LOCAL = ("127.0.0.1", "::1", "localhost")

def host_of(address):
    return address[0] if isinstance(address, tuple) else str(address)

def hook(event, args):
    if event == "socket.connect" and isinstance(args[1], tuple) and host_of(args[1]) not in LOCAL:
        log.write(f"connect {args[1]}\\n"); log.flush()
        raise PermissionError(f"network call to {args[1]} refused")
    if event == "socket.getaddrinfo" and str(args[0]) not in LOCAL and args[0] is not None:
        log.write(f"lookup {args[0]}\\n"); log.flush()
        raise PermissionError(f"name lookup of {args[0]} refused")
    # Evidently asks git for its own commit in /api/version: local, allowed.
    if event == "subprocess.Popen" and list(args[1][:2]) != ["git", "rev-parse"]:
        log.write(f"process {args[1]}\\n"); log.flush()
        raise PermissionError("child process refused")

sys.addaudithook(hook)
exec(compile(sys.argv[2], "<command>", "exec"))
"""
NIGHTSHIFT_UI = """
sys.argv = ["nightshift", "monitor", "ui", "--port", sys.argv[3]]
from pipelines.cli import main
main()
"""
# Evidently's own launcher with only the pandas shim: its telemetry stays on.
EVIDENTLY_UI = """
from pipelines.monitoring.evidently_compat import install_pandas_shim
install_pandas_shim()
from evidently.ui.service.app import get_config, run
run(get_config(port=int(sys.argv[3]), workspace=sys.argv[4]))
"""
PANELS = (
    "Drifted input features (share)",
    "Input drift score per feature",
    "Prediction drift score",
    "P50 MAE, visitors per hour (7 days)",
    "P10-P90 coverage of open hours (7 days)",
)
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip


@dataclass
class Served:
    url: str
    network_log: Path
    process: subprocess.Popen[bytes]


def _start(command: str, data_dir: Path, tmp: Path, *args: str) -> Served:
    """Run ``command`` under the guard in a session of its own; wait until it answers."""
    port = free_port()
    network_log = tmp / f"network-{port}.log"
    network_log.touch()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NIGHTSHIFT_", "DO_NOT_TRACK", "ITERATIVE_", "EVIDENTLY_"))
    }
    env |= {"NIGHTSHIFT_DATA_DIR": str(data_dir)}  # fmt: skip
    output = (tmp / f"ui-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", GUARD, str(network_log), command, str(port), *args],
        env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/version", timeout=2) as answer:
                if answer.status == 200:
                    return Served(url, network_log, process)
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            log = (tmp / f"ui-{port}.log").read_text(errors="replace")
            pytest.fail(f"the UI did not start:\n{log[-3000:]}")
        time.sleep(0.5)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server by its PID (its process group: uvicorn may have children)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def ui(monitored: Monitored, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    _, night_settings, _ = monitored
    served = _start(NIGHTSHIFT_UI, night_settings.data_dir, tmp_path_factory.mktemp("ui"))
    try:
        yield served
    finally:
        _stop(served.process)


def _chromium(profile: Path, *args: str) -> str:
    binary = debian_program("chromium", "chromium")
    command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _visible_text(dom: str) -> str:
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def _project_ids(served: Served) -> dict[str, str]:
    projects = _get(f"{served.url}/api/projects")
    assert isinstance(projects, list)
    return {p["name"]: p["id"] for p in projects}


def test_every_model_has_a_project_in_the_ui(ui: Served, tmp_path: Path) -> None:
    assert set(_project_ids(ui)) == set(MODELS)
    page = _visible_text(
        _chromium(tmp_path / "profile", "--virtual-time-budget=15000", "--dump-dom", ui.url)
    )
    for model in MODELS:
        assert model in page, f"{model} is not listed on the projects page"


def test_the_traffic_dashboard_renders_its_panels_with_the_nights_data(
    ui: Served, tmp_path: Path
) -> None:
    project = _project_ids(ui)["traffic_rnn"]
    page = _visible_text(
        _chromium(
            tmp_path / "profile",
            "--virtual-time-budget=20000",
            "--window-size=1400,2400",
            "--dump-dom",
            f"{ui.url}/projects/{project}",
        )
    )
    for title in PANELS:
        assert title in page, f"panel {title!r} missing"
    # Data, not empty frames: the nights are on the time axes, the features in the legends.
    assert NIGHT.isoformat() in page
    assert "count" in page and "temperature" in page
    assert "No data" not in page and "no value" not in page


def test_the_dashboard_screenshot_is_not_blank(ui: Served, tmp_path: Path) -> None:
    project = _project_ids(ui)["traffic_rnn"]
    shot = tmp_path / "dashboard.png"
    _chromium(
        tmp_path / "profile", "--virtual-time-budget=20000", "--window-size=1400,1600",
        f"--screenshot={shot}", f"{ui.url}/projects/{project}",
    )  # fmt: skip
    pixels = Image.open(shot).convert("RGB").get_flattened_data()
    # Chart lines, markers and legends are coloured; an empty dashboard has only the logo.
    coloured = sum(1 for p in pixels if max(p) - min(p) > 60)
    assert coloured > 3000, f"{coloured} coloured pixels: the charts did not draw"


def test_serving_the_ui_made_no_network_call(ui: Served) -> None:
    # Every project API call is one of Evidently's telemetry events when telemetry is on.
    _get(f"{ui.url}/api/projects")
    time.sleep(1)
    assert ui.network_log.read_text() == ""
    assert ui.process.poll() is None  # the guard refused nothing the UI needed


def test_the_guard_catches_evidentlys_telemetry_when_it_is_left_on(
    monitored: Monitored, tmp_path: Path
) -> None:
    _, night_settings, _ = monitored
    workspace = str(workspace_dir(night_settings))
    served = _start(EVIDENTLY_UI, night_settings.data_dir, tmp_path, workspace)
    try:
        with contextlib.suppress(urllib.error.HTTPError):  # the refused child fails the request
            _get(f"{served.url}/api/projects")
        deadline = time.monotonic() + 10
        while not served.network_log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        _stop(served.process)
    assert "process" in served.network_log.read_text()  # the telemetry child, refused
