"""A warehouse holding three hand-made nights (``night_seed``), and a real Pushgateway."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine

from pipelines.db import migrate
from pipelines.db.engine import ensure_database, warehouse_url
from pipelines.settings import Settings
from tests.monitoring import night_seed
from tests.monitoring.pushgateway import running_pushgateway
from tests.monitoring.standin_schema import ensure_monitoring_tables


@pytest.fixture(scope="session")
def nights(settings: Settings) -> Iterator[Engine]:
    """A fresh database migrated to head (plus the monitoring tables) with the seeded nights."""
    url = warehouse_url(settings).set(database=f"nights_{uuid.uuid4().hex[:10]}")
    ensure_database(url)
    engine = create_engine(url)
    try:
        migrate.upgrade(engine, settings=settings)
        ensure_monitoring_tables(engine)
        night_seed.insert(engine)
        yield engine
    finally:
        engine.dispose()
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'drop database "{url.database}" with (force)')
        admin.dispose()


@pytest.fixture
def pushgateway() -> Iterator[str]:
    """URL of a Pushgateway of its own (Debian's prometheus-pushgateway), on a free port."""
    with running_pushgateway() as url:
        yield url
