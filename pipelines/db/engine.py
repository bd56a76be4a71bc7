"""Resolve the warehouse and Airflow database URLs and hand out engines.

With ``NIGHTSHIFT_DATABASE_URL`` unset, the embedded server is started on demand. Either way the
databases are created when missing and a failed connection becomes a one-line error.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, OperationalError

from pipelines.db import embedded
from pipelines.errors import ConfigError, DatabaseUnavailable
from pipelines.settings import Settings

WAREHOUSE_DATABASE = "nightshift"
CONNECT_TIMEOUT_S = 5


def warehouse_url(settings: Settings) -> URL:
    if settings.database_url:
        try:
            return make_url(settings.database_url)
        except ArgumentError:
            raise ConfigError(
                f"NIGHTSHIFT_DATABASE_URL is not a database URL: {settings.database_url!r} "
                "(expected e.g. postgresql+psycopg2://user:password@host:5432/nightshift)"
            ) from None
    socket_dir = embedded.ensure_running(settings.pgdata_dir)
    return make_url(embedded.url(socket_dir, WAREHOUSE_DATABASE))


def airflow_url(settings: Settings) -> URL:
    """Airflow's metadata lives on the same server, in its own database."""
    return warehouse_url(settings).set(database=settings.airflow_database)


def _describe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def ensure_database(url: URL) -> None:
    """Create the database named in ``url`` if it does not exist (needs CREATEDB rights)."""
    if not url.database:
        raise ConfigError(f"the database URL {_describe(url)} names no database")
    database: str = url.database
    admin = url.set(database="postgres")
    engine = create_engine(
        admin, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
    )
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("select 1 from pg_database where datname = :name"), {"name": database}
            ).scalar()
            if not exists:
                # Identifiers cannot be bound parameters; quote through the dialect instead.
                quoted = conn.dialect.identifier_preparer.quote(database)
                conn.execute(text(f"create database {quoted}"))
    except OperationalError as error:
        raise _unavailable(url, error) from None
    finally:
        engine.dispose()


def _unavailable(url: URL, error: OperationalError) -> DatabaseUnavailable:
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    return DatabaseUnavailable(
        f"cannot connect to PostgreSQL at {_describe(url)}: {reason}. "
        "Start that server or fix NIGHTSHIFT_DATABASE_URL "
        "(unset it to use the embedded PostgreSQL)."
    )


@lru_cache(maxsize=4)
def _engine_for(rendered_url: str) -> Engine:
    ensure_database(make_url(rendered_url))
    return create_engine(
        rendered_url,
        pool_pre_ping=True,
        # Many-row writes (conn.execute(sql, rows)) go in pages of statements, not one round
        # trip per row: the nightly churn scores, rewards and customers are ~10^5 rows each.
        executemany_mode="values_plus_batch",
        executemany_batch_page_size=1000,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )


def get_engine(settings: Settings) -> Engine:
    """The warehouse engine (one per process), its database created if missing.

    Fails fast with DatabaseUnavailable when the server cannot be reached.
    """
    return _engine_for(warehouse_url(settings).render_as_string(hide_password=False))
