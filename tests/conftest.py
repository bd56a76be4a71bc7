"""Test session set-up: a private data dir with its own embedded PostgreSQL.

The environment is fixed before any project or Airflow module reads it, so the suite never
touches a developer's ``.nightshift`` and Airflow's metadata goes to the embedded server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Short path under /tmp: PostgreSQL's unix socket path must stay under ~100 characters.
_BASE = Path(tempfile.mkdtemp(prefix="nstest-"))
for _key in [k for k in os.environ if k.startswith(("NIGHTSHIFT_", "AIRFLOW"))]:
    del os.environ[_key]
os.environ["NIGHTSHIFT_DATA_DIR"] = str(_BASE / "data")
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"

from hypothesis import settings as hypothesis_settings  # noqa: E402
from sqlalchemy import Engine  # noqa: E402

from pipelines.db import embedded  # noqa: E402
from pipelines.orchestration.airflow_env import apply_airflow_environment  # noqa: E402
from pipelines.settings import Settings, get_settings  # noqa: E402
from pipelines.warehouse import warehouse  # noqa: E402
from tests.databases import scratch_database  # noqa: E402

# Property tests: reproducible in CI (derandomized, no example database written into the
# repository) and judged by their assertions, not by the speed of a shared machine.
hypothesis_settings.register_profile(
    "nightshift", deadline=None, derandomize=True, database=None, print_blob=True
)
hypothesis_settings.load_profile("nightshift")


def pytest_configure(config: pytest.Config) -> None:
    # Starts the embedded server and exports AIRFLOW_HOME / the metadata URL for this process.
    apply_airflow_environment(get_settings())


def pytest_unconfigure(config: pytest.Config) -> None:
    embedded.stop(get_settings().pgdata_dir)
    shutil.rmtree(_BASE, ignore_errors=True)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Engine:
    """The warehouse engine, schema migrated to head."""
    return warehouse(settings)


@pytest.fixture
def fresh_engine(settings: Settings) -> Iterator[Engine]:
    """A brand-new, empty database on the same server, dropped afterwards."""
    with scratch_database(settings, "fresh") as fresh:
        yield fresh
