"""The analyst role reads the analyst-facing schemas, nothing restricted, and logs in only with
the configured password.

Queries run as the role through ``SET LOCAL ROLE`` inside a transaction that is rolled back.
The embedded server trusts its unix socket, so a real login proves LOGIN/NOLOGIN but not the
password; the password is checked against the SCRAM verifier the server stored instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from pipelines.db import migrate
from pipelines.db.roles import ANALYST_ROLE, sync_analyst_role
from pipelines.paths import SQL_DIR
from pipelines.settings import Settings

EXAMPLES = sorted((SQL_DIR / "examples").glob("*.sql"))
DATA_IN = migrate.script_directory().get_revision("0002_data_in").module
ANALYTICS = migrate.script_directory().get_revision("0006_analytics").module
EXPLANATIONS = migrate.script_directory().get_revision("0009_explanations").module
MONITORING = migrate.script_directory().get_revision("0008_monitoring").module
PASSWORD = 'it\'s a "secret"; drop role x; -- \\ %s'

RESTRICTED = [
    *(f"raw.{source}" for source in DATA_IN.RAW_COLUMNS),
    *(f"quarantine.{source}" for source in DATA_IN.RAW_COLUMNS),
    "raw.product_costs",
    "quarantine.product_costs",
    "core.product_costs",  # what the chain pays: not for analysts
    "core.customers",
    "core.reviews",
    "core.pos_lines",
    "ops.pipeline_runs",
    "ops.loads",
    "ops.model_promotions",
    "ref.stores",
    "loyalty.customer_keys",
    "loyalty.churn_scores",
    # Per-member churn drivers: analysts see them aggregated (analytics.churn_drivers_by_store).
    "explanations.churn_drivers",
]
PROJECT_SCHEMAS = ("ref", "raw", "quarantine", "core", "forecast", "plan", "loyalty", "ops",
                   "analytics", "explanations", "monitoring")  # fmt: skip
# Never in an analytics view: customer identity and contact details.
FORBIDDEN_COLUMNS = {"customer_id", "full_name", "email", "phone", "manager_name", "manager_email"}


@contextmanager
def as_analyst(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:  # closing rolls back, and SET LOCAL ends with it
        conn.exec_driver_sql(f"set local role {ANALYST_ROLE}")
        yield conn


@contextmanager
def analyst_password(engine: Engine, settings: Settings, password: str) -> Iterator[None]:
    """The role with a password for the test, NOLOGIN again afterwards (roles are server-wide)."""
    sync_analyst_role(engine, _with_password(settings, password))
    try:
        yield
    finally:
        sync_analyst_role(engine, _with_password(settings, None))


def _with_password(settings: Settings, password: str | None) -> Settings:
    secret = None if password is None else SecretStr(password)
    return settings.model_copy(update={"analyst_password": secret})


def _scram_matches(verifier: str, password: str) -> bool:
    """RFC 5802/7677, stored as SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>."""
    method, params, keys = verifier.split("$")
    iterations, salt = params.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return (
        method == "SCRAM-SHA-256"
        and hashlib.sha256(client_key).digest() == stored_key
        and hmac.new(salted, b"Server Key", "sha256").digest() == server_key
    )


def _login_state(engine: Engine) -> tuple[bool, str | None]:
    with engine.connect() as conn:
        row = conn.execute(
            text("select rolcanlogin, rolpassword from pg_authid where rolname = :name"),
            {"name": ANALYST_ROLE},
        ).one()
    return row.rolcanlogin, row.rolpassword


def test_role_exists_without_login_by_default(engine: Engine) -> None:
    assert ANALYTICS.ANALYST_ROLE == ANALYST_ROLE
    assert _login_state(engine) == (False, None)


def test_there_are_five_to_eight_examples_each_saying_what_it_answers() -> None:
    assert 5 <= len(EXAMPLES) <= 8
    for example in EXAMPLES:
        assert example.read_text("utf-8").startswith("-- "), example.name


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs_as_analyst(engine: Engine, example: Path) -> None:
    with as_analyst(engine) as conn:
        conn.exec_driver_sql(example.read_text("utf-8")).all()


@pytest.mark.parametrize("table", RESTRICTED)
def test_restricted_table_is_denied(engine: Engine, table: str) -> None:
    with as_analyst(engine) as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.exec_driver_sql(f"select * from {table} limit 1")


def test_analyst_reads_exactly_the_analyst_schemas_and_rewards(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select n.nspname, c.relname,"
                " has_table_privilege(:role, c.oid, 'select') as can_select,"
                " has_table_privilege(:role, c.oid, 'insert, update, delete, truncate')"
                "   as can_write"
                " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = any(:schemas) and c.relkind in ('r', 'v', 'm', 'p', 'f')"
            ),
            {"role": ANALYST_ROLE, "schemas": list(PROJECT_SCHEMAS)},
        ).all()
    readable = {f"{r.nspname}.{r.relname}" for r in rows if r.can_select}
    expected = {
        f"{r.nspname}.{r.relname}"
        for r in rows
        if r.nspname in ("analytics", "forecast", "plan", "monitoring")
        or f"{r.nspname}.{r.relname}" == "loyalty.rewards"
        or f"{r.nspname}.{r.relname}" in EXPLANATIONS.READABLE_TABLES
    }
    assert readable == expected
    assert {"forecast.traffic_hourly", "plan.staffing", "analytics.model_history"} <= readable
    # Explanations: every table but the per-member churn drivers.
    assert {"explanations.sales_drivers", "explanations.traffic_days",
            "explanations.feature_importance"} <= readable  # fmt: skip
    assert "explanations.churn_drivers" not in readable
    assert {f"monitoring.{table}" for table in MONITORING.TABLES} <= readable
    assert not [r for r in rows if r.can_write]


@pytest.mark.parametrize("schema", ["plan", "monitoring"])
def test_tables_created_later_in_analyst_schemas_are_readable(engine: Engine, schema: str) -> None:
    with engine.connect() as conn:  # rolled back on close
        conn.exec_driver_sql(f"create table {schema}.future_output (id int)")
        assert conn.execute(
            text(f"select has_table_privilege(:role, '{schema}.future_output', 'select')"),
            {"role": ANALYST_ROLE},
        ).scalar()


def test_churn_drivers_reach_analysts_only_aggregated_without_member_keys(
    engine: Engine,
) -> None:
    with engine.connect() as conn:
        columns = set(
            conn.execute(
                text(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'analytics' and table_name = 'churn_drivers_by_store'"
                )
            ).scalars()
        )
    assert columns and not columns & {"customer_key", "customer_id"}
    with as_analyst(engine) as conn:
        conn.exec_driver_sql("select * from analytics.churn_drivers_by_store").all()
        conn.exec_driver_sql("select * from explanations.sales_drivers limit 1").all()


def test_analyst_reads_the_monitoring_figures(engine: Engine) -> None:
    with as_analyst(engine) as conn:
        for table in MONITORING.TABLES:
            conn.exec_driver_sql(f"select * from monitoring.{table} limit 1").all()
        conn.exec_driver_sql("select * from analytics.traffic_accuracy_weekly limit 1").all()


def test_no_analytics_view_exposes_customers_or_contact_data(engine: Engine) -> None:
    with engine.connect() as conn:
        columns = conn.execute(
            text(
                "select table_name, column_name from information_schema.columns"
                " where table_schema = 'analytics'"
            )
        ).all()
        reads_customers = conn.execute(
            text(
                "select view_name from information_schema.view_table_usage"
                " where view_schema = 'analytics' and table_schema = 'core'"
                " and table_name in ('customers', 'reviews')"
            )
        ).all()
    assert columns
    assert [c for c in columns if c.column_name in FORBIDDEN_COLUMNS] == []
    assert reads_customers == []


def test_password_with_quotes_is_stored_as_its_scram_verifier(
    engine: Engine, settings: Settings
) -> None:
    with analyst_password(engine, settings, PASSWORD):
        can_login, verifier = _login_state(engine)
        assert can_login
        assert verifier is not None and _scram_matches(verifier, PASSWORD)
        assert not _scram_matches(verifier, "it's a secret")
    assert _login_state(engine) == (False, None)


def test_password_through_the_psycopg3_driver(engine: Engine, settings: Settings) -> None:
    psycopg3 = create_engine(engine.url.set(drivername="postgresql+psycopg"))
    try:
        with analyst_password(psycopg3, settings, PASSWORD):
            verifier = _login_state(engine)[1]
            assert verifier is not None and _scram_matches(verifier, PASSWORD)
    finally:
        psycopg3.dispose()


def test_analyst_logs_in_only_when_a_password_is_configured(
    engine: Engine, settings: Settings
) -> None:
    url = engine.url.set(username=ANALYST_ROLE, password=PASSWORD)
    # No pool: a kept connection would outlive the role losing LOGIN.
    analyst = create_engine(url, poolclass=NullPool)
    try:
        with pytest.raises(OperationalError, match="not permitted to log in"):
            analyst.connect().close()
        with analyst_password(engine, settings, PASSWORD), analyst.connect() as conn:
            assert conn.execute(text("select current_user")).scalar() == ANALYST_ROLE
            conn.execute(text("select count(*) from analytics.stores")).scalar()
            with pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text("select count(*) from core.customers"))
    finally:
        analyst.dispose()


def test_every_migration_run_applies_the_password(engine: Engine, settings: Settings) -> None:
    try:
        migrate.upgrade(engine, settings=_with_password(settings, "pw"))
        assert _login_state(engine)[0]
        migrate.upgrade(engine, settings=settings)
        assert _login_state(engine) == (False, None)
    finally:
        sync_analyst_role(engine, settings)


def test_downgrade_of_monitoring_restores_the_analytics_views(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    migrate.downgrade(fresh_engine, MONITORING.down_revision)
    with fresh_engine.connect() as conn:
        assert not conn.execute(
            text("select count(*) from pg_namespace where nspname = 'monitoring'")
        ).scalar()
        definition = conn.execute(
            text("select pg_get_viewdef('analytics.traffic_accuracy_weekly')")
        ).scalar()
        assert "core.door_counts" in definition and "monitoring" not in definition
        assert conn.execute(
            text("select has_table_privilege(:role, 'analytics.sales_accuracy_weekly', 'select')"),
            {"role": ANALYST_ROLE},
        ).scalar()
    migrate.upgrade(fresh_engine)


def test_downgrade_revokes_but_keeps_the_server_wide_role(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    migrate.downgrade(fresh_engine, ANALYTICS.down_revision)
    with fresh_engine.connect() as conn:
        assert conn.execute(
            text("select count(*) from pg_roles where rolname = :role"), {"role": ANALYST_ROLE}
        ).scalar()  # other databases of the server may still rely on it
        assert not conn.execute(
            text("select has_schema_privilege(:role, 'forecast', 'usage')"),
            {"role": ANALYST_ROLE},
        ).scalar()
        assert not conn.execute(
            text("select has_table_privilege(:role, 'loyalty.rewards', 'select')"),
            {"role": ANALYST_ROLE},
        ).scalar()
        default_grants = conn.execute(
            text("select count(*) from pg_default_acl where defaclacl::text like :pattern"),
            {"pattern": f"%{ANALYST_ROLE}%"},
        ).scalar()
        assert default_grants == 0
        views = conn.execute(
            text("select count(*) from pg_views where schemaname = 'analytics'")
        ).scalar()
        assert views == 0
    migrate.upgrade(fresh_engine)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()


def test_an_empty_password_counts_as_unset(engine: Engine, settings: Settings) -> None:
    with analyst_password(engine, settings, ""):
        assert _login_state(engine) == (False, None)
