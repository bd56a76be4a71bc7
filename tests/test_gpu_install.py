"""The GPU install paths, checked without a GPU or a Docker engine (neither exists here): the
Makefile's and the Dockerfile's install commands for each torch variant are run against a
stand-in pip that records what it was asked, and the compose override is read as YAML."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.paths import REPO_ROOT
from pipelines.settings import Settings

CUDA_INDEX = "https://download.pytorch.org/whl/cu128"
TORCH_PIN = re.search(
    r"^torch==([0-9.]+)\+cpu$", (REPO_ROOT / "requirements/lock.txt").read_text(), re.M
)


def _dry_run(*args: str, venv: Path) -> str:
    result = subprocess.run(
        ["make", "-n", "-B", "setup", f"VENV={venv}", *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_lock_keeps_torchs_cpu_build() -> None:
    assert TORCH_PIN is not None, "requirements/lock.txt must pin torch's CPU build"


def test_make_setup_installs_the_cuda_wheel_only_when_asked(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    cpu = _dry_run(venv=venv)
    assert "cu128" not in cpu and "-r requirements/lock.txt" in cpu
    cuda = _dry_run("TORCH_VARIANT=cuda", venv=venv)
    assert f'"torch=={TORCH_PIN[1]}" --index-url {CUDA_INDEX}' in cuda  # type: ignore[index]
    assert "grep -v '^torch==' requirements/lock.txt" in cuda  # the CPU pin stays out
    assert f"touch {venv}/.installed-cuda" in cuda
    # The choice is remembered: a later `make test` does not swap the CPU build back in.
    venv.mkdir()
    (venv / ".torch-variant").write_text("cuda\n")
    assert CUDA_INDEX in _dry_run(venv=venv)
    refused = subprocess.run(["make", "-n", "setup", "TORCH_VARIANT=gpu"], cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert refused.returncode != 0 and "TORCH_VARIANT must be cpu or cuda" in refused.stderr


def _dockerfile_install(tmp_path: Path, build_args: dict[str, str]) -> list[str]:
    """Run the Dockerfile's dependency RUN step (sh -c, as Docker does) with its ARG defaults
    overridden by ``build_args``, against a pip that only logs its arguments."""
    text = (REPO_ROOT / "Dockerfile").read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.M)) | build_args
    lines = text[text.index("RUN set -eu;") :].splitlines()
    step = []
    for line in lines:
        step.append(line.rstrip("\\").strip())
        if not line.endswith("\\"):
            break
    script = " ".join(step).removeprefix("RUN ")
    (tmp_path / "requirements").mkdir()
    shutil.copy(REPO_ROOT / "requirements/lock.txt", tmp_path / "requirements/lock.txt")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pip").write_text(f'#!/bin/sh\necho "$*" >> {tmp_path}/pip.log\n')
    (bin_dir / "pip").chmod(0o755)
    env = {**os.environ, **args, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = subprocess.run(["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return (tmp_path / "pip.log").read_text().splitlines()


def test_the_image_installs_the_cpu_build_by_default(tmp_path: Path) -> None:
    assert _dockerfile_install(tmp_path, {}) == [
        "install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements/lock.txt"
    ]


def test_the_cuda_image_installs_torch_from_the_cuda_index(tmp_path: Path) -> None:
    calls = _dockerfile_install(tmp_path, {"TORCH_VARIANT": "cuda", "TORCH_INDEX": CUDA_INDEX})
    assert calls == [
        f"install --index-url {CUDA_INDEX} torch=={TORCH_PIN[1]}",  # type: ignore[index]
        "install -r requirements/lock-without-torch.txt",
    ]
    rest = (tmp_path / "requirements/lock-without-torch.txt").read_text()
    assert "torch==" not in rest.replace("# via", "") and "mlflow==" in rest


@pytest.fixture(scope="module")
def gpu_override() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "docker-compose.gpu.yml").read_text())


def test_the_compose_gpu_override_gives_the_scheduler_the_cuda_image_and_a_gpu(
    gpu_override: dict[str, Any],
) -> None:
    base = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    (name,) = gpu_override["services"]
    assert name == "airflow-scheduler" and name in base["services"]  # runs the tasks (Local)
    scheduler = gpu_override["services"][name]
    assert scheduler["build"]["args"]["TORCH_VARIANT"] == "cuda"
    assert "download.pytorch.org/whl/cu" in scheduler["build"]["args"]["TORCH_INDEX"]
    assert scheduler["image"] != base["services"][name]["image"]  # never the CPU tag
    (device,) = scheduler["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia" and device["capabilities"] == ["gpu"]
    device_setting = scheduler["environment"]["NIGHTSHIFT_TRAIN_DEVICE"]
    assert Settings(train_device=device_setting).train_device == "cuda"
