"""Schema migrations through Alembic (scripts in ``pipelines/migrations``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from pipelines.db.roles import sync_analyst_role
from pipelines.paths import MIGRATIONS_DIR
from pipelines.settings import Settings, get_settings

# Any fixed number: serialises concurrent upgrades (e.g. two backfill runs starting together).
MIGRATION_LOCK_KEY = 0x6E69676874


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str | None:
    return script_directory().get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head", settings: Settings | None = None) -> None:
    """Bring the schema to ``revision`` (a no-op when it is already there), then apply the
    analyst role's login from the settings (this process's own when none are given)."""
    command.upgrade(_config(engine), revision)
    sync_analyst_role(engine, settings or get_settings())


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_config(engine), revision)


def ensure_current(engine: Engine, settings: Settings | None = None) -> None:
    """Upgrade only when behind: the cheap check keeps every task's start-up fast."""
    if current_revision(engine) != head_revision():
        upgrade(engine, settings=settings)
