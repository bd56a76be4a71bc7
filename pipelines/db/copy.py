"""A DBAPI cursor for COPY: psycopg2's copy_expert needs the driver connection itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine


@contextmanager
def driver_cursor(engine: Engine) -> Iterator[Any]:
    """One transaction on a pooled driver connection: commit on success, roll back on error."""
    connection = engine.raw_connection()
    try:
        cursor: Any = connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()
