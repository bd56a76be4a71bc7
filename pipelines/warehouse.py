"""The warehouse as tasks see it: an engine whose schema is at the latest migration."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from pipelines.db import migrate
from pipelines.db.engine import get_engine
from pipelines.settings import Settings


@lru_cache(maxsize=4)
def warehouse(settings: Settings) -> Engine:
    """Connect (starting the embedded server if that is the configuration) and migrate once."""
    engine = get_engine(settings)
    migrate.ensure_current(engine, settings)
    return engine
