"""SQL that a migration executes, frozen with the migration.

A migration must do the same thing forever: re-running history on a new database has to give
the schema that old databases got. So a migration never reads the live ``sql/`` files (an edit
there would silently rewrite what an old revision does). It ships its own copy under
``pipelines/migrations/frozen/<revision>/<name>.sql`` and records each file's SHA-256; a copy
that was edited afterwards stops the migration instead of running something else.

Changing a view later = a new migration with its own frozen copy (the same text goes to
``sql/analytics/<view>.sql``, which analysts read; a test keeps the two equal).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from alembic import op

from pipelines.errors import NightshiftError
from pipelines.paths import MIGRATIONS_DIR

FROZEN_DIR = MIGRATIONS_DIR / "frozen"


def frozen_text(revision: str, name: str, sha256: str) -> str:
    """The frozen SQL ``name`` of ``revision``, checked against its recorded hash."""
    path = FROZEN_DIR / revision / f"{name}.sql"
    body = path.read_bytes()
    digest = hashlib.sha256(body).hexdigest()
    if digest != sha256:
        raise NightshiftError(
            f"migration {revision}: {path} was edited after the migration was written "
            f"(sha256 {digest[:12]}…, recorded {sha256[:12]}…); frozen SQL never changes — "
            "put the change in a new migration"
        )
    return body.decode("utf-8")


def execute_frozen(revision: str, files: Mapping[str, str]) -> None:
    """Execute ``revision``'s frozen files (name -> SHA-256) in order, at driver level: the
    files hold several statements and colons that SQLAlchemy's text() would read as binds."""
    bind = op.get_bind()
    for name, sha256 in files.items():
        bind.exec_driver_sql(frozen_text(revision, name, sha256))
