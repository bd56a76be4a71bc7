"""Airflow's configuration, derived from nightshift's settings.

Airflow reads its configuration from ``AIRFLOW__*`` environment variables when it is imported,
so these must be in ``os.environ`` before the first ``import airflow``. Variables the user has
already set win, so any of them can be overridden.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from pipelines.db.engine import airflow_url, ensure_database
from pipelines.paths import DAGS_DIR
from pipelines.settings import ENV_PREFIX, Settings

# Fewer LocalExecutor workers than Airflow's default 32: ~0.6 GB less memory on a small machine.
PARALLELISM = 4


def _persistent_secret(path: Path, make: Callable[[], str]) -> str:
    """A secret generated once per data dir and kept out of the repository (mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def airflow_environment(settings: Settings) -> dict[str, str]:
    """The environment Airflow processes need; creates the metadata database when missing."""
    home = settings.airflow_home
    home.mkdir(parents=True, exist_ok=True)
    metadata_url = airflow_url(settings)
    ensure_database(metadata_url)
    wanted = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": str(PARALLELISM),
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": settings.timezone,
        "AIRFLOW__CORE__FERNET_KEY": _persistent_secret(home / ".fernet_key", _fernet_key),
        "AIRFLOW__API_AUTH__JWT_SECRET": _persistent_secret(
            home / ".jwt_secret", lambda: secrets.token_urlsafe(64)
        ),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url.render_as_string(hide_password=False),
        # Task processes must resolve the same data dir whatever their working directory.
        f"{ENV_PREFIX}DATA_DIR": str(settings.data_dir),
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    return {key: os.environ.get(key, value) for key, value in wanted.items()}


def apply_airflow_environment(settings: Settings) -> dict[str, str]:
    """Export the environment into this process (before Airflow is imported)."""
    env = airflow_environment(settings)
    os.environ.update(env)
    return env
