"""Two warehouses for the monitoring tests: the hand-made warehouse monitored once for the whole
area (its reports and Evidently workspace are what the UI test serves), and three hand-made
nights (``night_seed``) for the dashboards' SQL; plus a real Pushgateway."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from pipelines.monitoring.stage import monitor
from pipelines.settings import Settings
from pipelines.window import RunWindow
from tests.databases import scratch_database
from tests.monitoring import night_seed
from tests.monitoring.pushgateway import running_pushgateway
from tests.monitoring.seed import FIRST_NIGHT, NIGHT, seeded_warehouse

Monitored = tuple[Engine, Settings, dict[date, dict[str, Any]]]


@pytest.fixture(scope="session")
def monitored(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Monitored]:
    """The seeded warehouse monitored on its first night and on its last two."""
    import mlflow

    data_dir = tmp_path_factory.mktemp("monitor")
    night_settings = settings.model_copy(update={"data_dir": data_dir})
    previous_uri = mlflow.get_tracking_uri()
    try:
        with seeded_warehouse(settings) as engine:
            results = {
                night: monitor(engine, night_settings,
                               RunWindow.for_business_date(night, settings.tz, f"run-{night}"))
                for night in (FIRST_NIGHT, NIGHT - timedelta(days=1), NIGHT)
            }  # fmt: skip
            yield engine, night_settings, results
    finally:
        mlflow.set_tracking_uri(previous_uri)


@pytest.fixture(scope="session")
def nights(settings: Settings) -> Iterator[Engine]:
    """A fresh database migrated to head with the three seeded nights."""
    with scratch_database(settings, "nights", migrated=True) as engine:
        night_seed.insert(engine)
        yield engine


@pytest.fixture
def pushgateway() -> Iterator[str]:
    """URL of a Pushgateway of its own (Debian's prometheus-pushgateway), on a free port."""
    with running_pushgateway() as url:
        yield url
