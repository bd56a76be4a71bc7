"""Scratch databases on the test session's embedded PostgreSQL: created empty (optionally
migrated to head), dropped afterwards even when the test fails."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, text

from pipelines.db import migrate
from pipelines.db.engine import ensure_database, warehouse_url
from pipelines.settings import Settings


@contextmanager
def scratch_database(
    settings: Settings, prefix: str, migrated: bool = False, **engine_options: Any
) -> Iterator[Engine]:
    """A new database ``<prefix>_<random>`` on the settings' server (head schema if
    ``migrated``), dropped with its connections on exit."""
    url = warehouse_url(settings).set(database=f"{prefix}_{uuid.uuid4().hex[:10]}")
    ensure_database(url)
    engine = create_engine(url, **engine_options)
    try:
        if migrated:
            migrate.upgrade(engine, settings=settings)
        yield engine
    finally:
        engine.dispose()
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'drop database "{url.database}" with (force)'))
        admin.dispose()
