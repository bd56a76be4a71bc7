from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from pipelines.db import migrate

# The schemas as the foundation migration itself lists them.
SCHEMAS = set(migrate.script_directory().get_revision("0001_foundation").module.SCHEMAS)
TABLES = {("ref", "stores"), ("ref", "calendar"), ("ops", "pipeline_runs")}


def _schemas(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text("select nspname from pg_namespace")).scalars())


def _tables(engine: Engine) -> set[tuple[str, str]]:
    inspector = inspect(engine)
    return {(s, t) for s in ("ref", "ops") for t in inspector.get_table_names(schema=s)}


def test_upgrade_downgrade_upgrade_on_a_fresh_database(fresh_engine: Engine) -> None:
    assert migrate.current_revision(fresh_engine) is None

    migrate.upgrade(fresh_engine)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()
    assert _schemas(fresh_engine) >= SCHEMAS
    assert _tables(fresh_engine) >= TABLES

    migrate.downgrade(fresh_engine, "base")
    assert migrate.current_revision(fresh_engine) is None
    assert not SCHEMAS & _schemas(fresh_engine)

    migrate.upgrade(fresh_engine)
    assert _tables(fresh_engine) >= TABLES


def test_upgrade_is_idempotent(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "insert into ref.stores (store_id, name, city, format, latitude, longitude,"
                " opening_hours, manager_name, manager_email) values ('S1', 'Larcomar',"
                " 'Lima', 'mall', -12.13, -77.03, '{}', 'Ana', 'ana@example.pe')"
            )
        )
    migrate.upgrade(fresh_engine)
    migrate.ensure_current(fresh_engine)
    with fresh_engine.connect() as conn:
        assert conn.execute(text("select count(*) from ref.stores")).scalar() == 1


def test_schema_rejects_impossible_reference_rows(fresh_engine: Engine) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    migrate.upgrade(fresh_engine)
    with pytest.raises(IntegrityError, match="format_known"), fresh_engine.begin() as conn:
        conn.execute(
            text(
                "insert into ref.stores (store_id, name, city, format, latitude, longitude,"
                " opening_hours, manager_name, manager_email) values ('S2', 'x', 'Lima',"
                " 'kiosk', 0, 0, '{}', 'x', 'x@example.pe')"
            )
        )
