"""A real Pushgateway for the tests (Debian's ``prometheus-pushgateway``), and reading it back."""

from __future__ import annotations

import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from prometheus_client.parser import text_string_to_metric_families

from tests.report.conftest import free_port
from tests.system_tools import debian_program

READY_TIMEOUT_S = 20.0


@contextmanager
def running_pushgateway() -> Iterator[str]:
    """Start the gateway on a free local port, yield its URL, stop it by its PID."""
    binary = debian_program("prometheus-pushgateway", "prometheus-pushgateway")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [binary, f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            _wait_until_ready(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(
                    f"the Pushgateway at {url} did not start: {log.read().decode()}"
                ) from None
            time.sleep(0.1)


def pushed_samples(url: str, job: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """What the gateway exposes for ``job`` on /metrics, as Prometheus would scrape it:
    (metric name, labels other than job/instance) -> value."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        exposition = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.labels.get("job") != job or sample.name == "push_time_seconds":
                continue
            if sample.name == "push_failure_time_seconds":
                continue
            labels = frozenset(
                (k, v) for k, v in sample.labels.items() if k not in ("job", "instance")
            )
            samples[(sample.name, labels)] = sample.value
    return samples
