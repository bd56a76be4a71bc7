"""For analysts: the analytics views and the read-only ``nightshift_analyst`` role.

Each view's SQL lives in ``sql/analytics/<view>.sql`` (``create or replace view`` plus its
comments), so analysts read the definitions where they read the examples. A later change to a
view gets its own migration that re-runs the edited file.

The role sees analytics, forecast and plan (today's tables and, through default privileges,
those later migrations create) and the pseudonymous loyalty.rewards; nothing in raw, quarantine,
core, ops or ref. Views run with their owner's privileges, so the analytics views may read core
and ops tables; none of them exposes a customer id or contact data.

Roles belong to the whole server, not to one database (other databases on it, e.g. a staging
copy, may use the same role), so upgrade creates it only when missing and downgrade revokes
this database's grants instead of dropping it. Its password is applied after every migration
run by ``pipelines.db.roles.sync_analyst_role`` (settings, not schema).

Revision ID: 0006_analytics
Revises: 0005_loyalty_promotions
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

from pipelines.paths import SQL_DIR

revision = "0006_analytics"
down_revision = "0005_loyalty_promotions"
branch_labels = None
depends_on = None

ANALYST_ROLE = "nightshift_analyst"
VIEWS = (
    "stores",
    "latest_traffic_forecast",
    "latest_sales_forecast",
    "traffic_accuracy_weekly",
    "sales_accuracy_weekly",
    "staffing_plan_vs_actual",
    "model_history",
)
# Everything in these schemas is analyst-readable; loyalty only through READABLE_TABLES.
READABLE_SCHEMAS = ("analytics", "forecast", "plan")
READABLE_TABLES = ("loyalty.rewards",)

# NOLOGIN until a password is configured. Two databases of one server migrating at the same
# moment can race to create it: the loser sees it exists (or hits the unique index) and moves on.
CREATE_ROLE = f"""
do $$
begin
    if not exists (select from pg_roles where rolname = '{ANALYST_ROLE}') then
        create role {ANALYST_ROLE} nologin;
    end if;
exception when duplicate_object or unique_violation then
    null;
end
$$
"""


def _execute_file(name: str) -> None:
    # Driver-level execution: the files hold several statements and colons that SQLAlchemy's
    # text() would read as bind parameters.
    op.get_bind().exec_driver_sql((SQL_DIR / "analytics" / f"{name}.sql").read_text("utf-8"))


def upgrade() -> None:
    op.execute(CREATE_ROLE)
    for view in VIEWS:
        _execute_file(view)
    schemas = ", ".join(READABLE_SCHEMAS)
    op.execute(f"grant usage on schema {schemas}, loyalty to {ANALYST_ROLE}")
    op.execute(f"grant select on all tables in schema {schemas} to {ANALYST_ROLE}")
    op.execute(f"grant select on {', '.join(READABLE_TABLES)} to {ANALYST_ROLE}")
    # Applies to tables and views the migrating user creates in these schemas from now on.
    op.execute(
        f"alter default privileges in schema {schemas} grant select on tables to {ANALYST_ROLE}"
    )


def downgrade() -> None:
    schemas = ", ".join(READABLE_SCHEMAS)
    op.execute(
        f"alter default privileges in schema {schemas} revoke select on tables from {ANALYST_ROLE}"
    )
    op.execute(f"revoke select on {', '.join(READABLE_TABLES)} from {ANALYST_ROLE}")
    op.execute(f"revoke select on all tables in schema {schemas} from {ANALYST_ROLE}")
    op.execute(f"revoke usage on schema {schemas}, loyalty from {ANALYST_ROLE}")
    for view in reversed(VIEWS):
        op.execute(f"drop view if exists analytics.{view}")
