"""Alembic environment: runs online against the engine passed in by pipelines.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from pipelines.db.migrate import MIGRATION_LOCK_KEY

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    # Transaction-scoped advisory lock: a second migrator waits, then finds nothing to do.
    connection.execute(text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
