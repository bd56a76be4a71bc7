"""The Kubernetes deployment (docker/helm/values.yaml for the official Airflow chart), checked
statically: no cluster runs here. The train tasks' GPU pods come through their executor config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
import yaml

from pipelines.paths import DAGS_DIR, REPO_ROOT
from pipelines.settings import ENV_PREFIX, Settings

VALUES = REPO_ROOT / "docker" / "helm" / "values.yaml"


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    return yaml.safe_load(VALUES.read_text())


def _env(entries: list[dict[str, Any]]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in entries if "value" in e}


def _train_template(values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(file name, pod) of the train tasks' pod template in the chart's extra config maps."""
    [(name, config_map)] = [
        (name, cm) for name, cm in values["extraConfigMaps"].items() if "train" in name
    ]
    files = yaml.safe_load(config_map["data"])
    [(file_name, pod)] = [(f, yaml.safe_load(text)) for f, text in files.items()]
    return f"{name}/{file_name}", pod


def test_kubernetes_executor_on_the_projects_image(values: dict[str, Any]) -> None:
    assert values["executor"] == "KubernetesExecutor"
    assert values["images"]["airflow"]["repository"].endswith("/nightshift")
    assert values["config"]["core"]["dags_folder"] == "/opt/nightshift/dags"
    assert values["airflowVersion"].startswith("3.")
    assert values["triggerer"]["enabled"] is True  # the morning hold defers there
    env = _env(values["env"])
    fields = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    assert {k for k in env if k.startswith(ENV_PREFIX)} <= fields  # real settings only
    assert "nightshift-env" in values["extraEnvFrom"]


def test_train_tasks_get_a_gpu_pod_through_their_executor_config(values: dict[str, Any]) -> None:
    env = _env(values["env"])
    path = env["NIGHTSHIFT_TRAIN_POD_TEMPLATE"]
    source, pod = _train_template(values)
    # The scheduler, which builds the task pods, mounts the template where the setting says.
    config_map = source.split("/")[0]
    [volume] = [
        v for v in values["scheduler"]["extraVolumes"] if v["configMap"]["name"] == config_map
    ]
    [mount] = [m for m in values["scheduler"]["extraVolumeMounts"] if m["name"] == volume["name"]]
    assert f"{mount['mountPath']}/{source.split('/')[1]}" == path

    assert pod["kind"] == "Pod"
    [container] = pod["spec"]["containers"]
    assert container["name"] == "base"  # the container Airflow runs the task in
    assert container["image"].endswith(":gpu")
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert container["resources"]["requests"]["nvidia.com/gpu"] == 1
    assert pod["spec"]["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert any(t["key"] == "nvidia.com/gpu" for t in pod["spec"]["tolerations"])
    assert {"secretRef": {"name": "nightshift-env"}} in container["envFrom"]
    assert _env(container["env"])["NIGHTSHIFT_TRAIN_DEVICE"] == "cuda"

    # The DAG, parsed with the chart's settings: exactly the train tasks carry that template.
    script = (
        "import json, sys\n"
        "from airflow.dag_processing.dagbag import DagBag\n"
        "dag = DagBag(dag_folder=sys.argv[1]).dags['nightshift_nightly']\n"
        "print(json.dumps({t.task_id: t.executor_config for t in dag.tasks}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(DAGS_DIR)],
        capture_output=True, text=True, timeout=120, check=True, env={**os.environ, **env},
    )  # fmt: skip
    configs = json.loads(result.stdout.strip().splitlines()[-1])
    overridden = {task for task, config in configs.items() if config}
    assert overridden == {"train_traffic", "train_sales", "train_sentiment", "train_churn"}
    assert {json.dumps(configs[t]) for t in overridden} == {json.dumps({"pod_template_file": path})}
