"""The read-only analyst role: its grants come from migration 0006, its login from the settings.

A password is configuration, not schema, so it is applied after every migration run rather than
by a migration: set NIGHTSHIFT_ANALYST_PASSWORD and run ``nightshift db upgrade`` to change it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, text

from pipelines.errors import ConfigError
from pipelines.settings import Settings

ANALYST_ROLE = "nightshift_analyst"
# Parallel tasks starting on an outdated schema all sync at once; two ALTER ROLEs on the same
# role can fail with "tuple concurrently updated", so they take turns.
ROLE_LOCK_KEY = 0x616E616C797374


def sync_analyst_role(engine: Engine, settings: Settings) -> None:
    """Create the role when missing; LOGIN with the configured password, else NOLOGIN."""
    # An empty value counts as unset: libpq would happily encrypt an empty password.
    password = settings.analyst_password.get_secret_value() if settings.analyst_password else None
    with engine.begin() as conn:
        conn.execute(text("select pg_advisory_xact_lock(:key)"), {"key": ROLE_LOCK_KEY})
        can_login = conn.execute(
            text("select rolcanlogin from pg_roles where rolname = :name"), {"name": ANALYST_ROLE}
        ).scalar()
        if can_login is None:
            conn.exec_driver_sql(f"create role {ANALYST_ROLE} nologin")
        if password:
            conn.exec_driver_sql(_login_statement(conn, password))
        elif can_login:
            # Also forget the old password, so re-enabling LOGIN by hand does not revive it.
            conn.exec_driver_sql(f"alter role {ANALYST_ROLE} nologin password null")


def _login_statement(conn: Connection, password: str) -> str:
    """ALTER ROLE ... LOGIN PASSWORD with the password encrypted by libpq, as psql's \\password
    does: the server stores the SCRAM verifier as given, so the clear text never reaches it, its
    statement log or pg_stat_activity. ALTER ROLE takes no bind parameters, so the verifier is
    quoted by the driver's own literal escaping."""
    dbapi: Any = conn.connection.dbapi_connection
    driver = conn.dialect.driver
    if driver == "psycopg2":
        from psycopg2 import sql
        from psycopg2.extensions import encrypt_password

        verifier = encrypt_password(password, ANALYST_ROLE, dbapi)
    elif driver == "psycopg":
        from psycopg import sql  # type: ignore[no-redef]

        encrypted = dbapi.pgconn.encrypt_password(password.encode(), ANALYST_ROLE.encode())
        verifier = encrypted.decode()
    else:
        raise ConfigError(
            f"cannot set the {ANALYST_ROLE} password through the {driver!r} driver "
            "(use postgresql+psycopg2:// or postgresql+psycopg://)"
        )
    statement = sql.SQL("alter role {} login password {}").format(
        sql.Identifier(ANALYST_ROLE), sql.Literal(verifier)
    )
    return str(statement.as_string(dbapi))
