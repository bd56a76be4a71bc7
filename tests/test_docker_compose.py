"""The production stack, checked statically (no Docker engine runs here)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy import make_url

from pipelines.paths import REPO_ROOT
from pipelines.settings import ENV_PREFIX, Settings

AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def _env(service: dict[str, Any]) -> dict[str, str]:
    # Compose interpolates ${VAR:-default} / ${VAR:?message}; a placeholder is enough here.
    return {
        key: re.sub(r"\$\{[^}]+\}", "placeholder", str(value))
        for key, value in (service.get("environment") or {}).items()
    }


def test_services_of_the_production_stack(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert AIRFLOW_SERVICES | {"postgres", "mlflow", "mailpit", "airflow-init"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    for name in AIRFLOW_SERVICES | {"airflow-init", "mlflow"}:
        assert services[name]["build"] == ".", f"{name} must run the project's image"


def test_long_running_services_have_healthchecks(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if name != "airflow-init":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_airflow_waits_for_a_healthy_database_and_migrations(compose: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["airflow-init"]["condition"] == "service_completed_successfully"
        executor = compose["services"][name]["environment"]["AIRFLOW__CORE__EXECUTOR"]
        assert executor == "${AIRFLOW_EXECUTOR:-LocalExecutor}"  # LocalExecutor by default


def test_nightshift_variables_are_real_settings_pointing_at_real_services(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    fields = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    for name in AIRFLOW_SERVICES:
        env = _env(services[name])
        ours = {k for k in env if k.startswith(ENV_PREFIX)}
        assert ours <= fields, f"unknown settings in {name}: {ours - fields}"
        assert {"NIGHTSHIFT_DATABASE_URL", "NIGHTSHIFT_MLFLOW_TRACKING_URI"} <= ours
        assert make_url(env["NIGHTSHIFT_DATABASE_URL"]).host in services
        assert make_url(env["NIGHTSHIFT_DATABASE_URL"]).database == "nightshift"
        assert env["NIGHTSHIFT_MLFLOW_TRACKING_URI"] == "http://mlflow:5000"
        assert env["NIGHTSHIFT_SMTP_HOST"] in services
        metadata = make_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        assert metadata.host in services
        assert metadata.database == env["NIGHTSHIFT_AIRFLOW_DATABASE"]
        # The values must also be valid for the settings object itself.
        Settings(**{k.removeprefix(ENV_PREFIX).lower(): v for k, v in env.items() if k in ours})


def test_databases_for_airflow_and_mlflow_are_created(compose: dict[str, Any]) -> None:
    init_sql = (REPO_ROOT / "docker" / "postgres-init.sql").read_text().lower()
    assert "create database airflow" in init_sql and "create database mlflow" in init_sql
    mlflow_cmd = " ".join(compose["services"]["mlflow"]["command"])
    assert "@postgres:5432/mlflow" in mlflow_cmd and "--artifacts-destination" in mlflow_cmd
    assert any("mlartifacts" in v for v in compose["services"]["mlflow"]["volumes"])


def test_image_installs_the_lock_and_the_project() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "-r requirements/lock.txt" in dockerfile
    assert "pip install --no-deps -e ." in dockerfile


def test_the_celery_profile_adds_redis_and_workers_with_the_same_settings(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    celery = {name for name, service in services.items() if "celery" in service.get("profiles", [])}
    assert celery == {"redis", "airflow-worker", "airflow-worker-gpu"}
    assert services["redis"]["image"].startswith("redis:")
    scheduler = _env(services["airflow-scheduler"])
    for name in ("airflow-worker", "airflow-worker-gpu"):
        worker = services[name]
        # The same image and settings as the scheduler, so tasks see the same warehouse.
        assert _env(worker) == scheduler, name
        assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
        assert worker["healthcheck"]["test"]
        assert make_url(scheduler["AIRFLOW__CELERY__BROKER_URL"]).host == "redis"
    default = services["airflow-worker"]["command"]
    gpu = services["airflow-worker-gpu"]
    assert default[default.index("--queues") + 1] == "default"
    command = gpu["command"]
    # One train task at a time, on the queue the DAG's train tasks use, on a reserved GPU.
    assert command[command.index("--queues") + 1] == scheduler["NIGHTSHIFT_TRAIN_QUEUE"] == "train"
    assert command[command.index("--concurrency") + 1] == "1"
    [device] = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert device["capabilities"] == ["gpu"] and device["count"] == 1
    assert gpu["build"]["args"]["TORCH_VARIANT"].startswith("cu")
    assert "ARG TORCH_VARIANT" in (REPO_ROOT / "Dockerfile").read_text()


MONITORING_SERVICES = {"grafana", "prometheus", "pushgateway"}


def _bind_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host path, container path) of the service's ./ bind mounts."""
    mounts = []
    for volume in service.get("volumes") or []:
        host, container, *_ = str(volume).split(":")
        if host.startswith("./"):
            mounts.append((host, container))
    return mounts


def test_every_bind_mounted_path_exists(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for host, _ in _bind_mounts(service):
            assert (REPO_ROOT / host).exists(), f"{name} mounts {host}, which does not exist"


def test_monitoring_services_get_the_repository_config(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= MONITORING_SERVICES
    prometheus = services["prometheus"]
    assert ("./docker/prometheus", "/etc/prometheus") in _bind_mounts(prometheus)
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    # Airflow's metrics arrive over OTLP (see the Airflow services' OTEL_* variables).
    assert "--web.enable-otlp-receiver" in prometheus["command"]
    config = yaml.safe_load((REPO_ROOT / "docker" / "prometheus" / "prometheus.yml").read_text())
    targets = {t for job in config["scrape_configs"] for c in job["static_configs"]
               for t in c["targets"]}  # fmt: skip
    assert "pushgateway:9091" in targets
    assert any("--web.listen-address=:9091" in arg for arg in services["pushgateway"]["command"])

    grafana = services["grafana"]
    mounts = dict(_bind_mounts(grafana))
    assert mounts["./docker/grafana/provisioning"] == "/etc/grafana/provisioning"
    provider = yaml.safe_load(
        (
            REPO_ROOT / "docker" / "grafana" / "provisioning" / "dashboards" / "nightshift.yml"
        ).read_text()
    )
    # The dashboards provider reads the folder the repository's dashboards are mounted on.
    assert mounts["./docker/grafana/dashboards"] == provider["providers"][0]["options"]["path"]
    datasources = yaml.safe_load(
        (
            REPO_ROOT / "docker" / "grafana" / "provisioning" / "datasources" / "nightshift.yml"
        ).read_text()
    )["datasources"]
    for source in datasources:
        host = source["url"].removeprefix("http://").split(":")[0]
        assert host in services, f"data source {source['name']} points at {host}"
    # The analyst password the data source expands comes from the compose environment.
    assert "ANALYST_PASSWORD" in _env(grafana)


def test_airflow_sends_its_metrics_and_the_night_its_figures_to_prometheus(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name in AIRFLOW_SERVICES:
        env = _env(services[name])
        assert env["AIRFLOW__METRICS__OTEL_ON"] == "True"
        endpoint = urlsplit(env["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"])
        assert endpoint.hostname == "prometheus" and endpoint.hostname in services
        assert endpoint.path == "/api/v1/otlp/v1/metrics"
        assert env["OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] == "http/protobuf"
        pushgateway = urlsplit(env["NIGHTSHIFT_PUSHGATEWAY_URL"])
        assert pushgateway.hostname == "pushgateway" and pushgateway.port == 9091
