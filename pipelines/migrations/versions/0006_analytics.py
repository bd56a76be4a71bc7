"""For analysts: the analytics views and the read-only ``nightshift_analyst`` role.

Each view's SQL (``create or replace view`` plus its comments) is frozen with this migration
under ``pipelines/migrations/frozen/0006_analytics/`` (see ``pipelines.db.frozen_sql``); analysts
read the current definitions in ``sql/analytics/<view>.sql``. A later change to a view is a new
migration with its own frozen copy, never an edit here.

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

from pipelines.db.frozen_sql import execute_frozen

revision = "0006_analytics"
down_revision = "0005_loyalty_promotions"
branch_labels = None
depends_on = None

ANALYST_ROLE = "nightshift_analyst"
# View name -> SHA-256 of its frozen SQL, in creation order.
VIEWS = {
    "stores": "19cf3e6d4e1eec60e929f0acb6183df0d91ac47d26aabd1791cd471c1ed2426c",
    "latest_traffic_forecast": "ae84cdc311f333e43efc0602baaf2cf7cd99cb3712cc7f259cd3f7a5b44a0aa6",
    "latest_sales_forecast": "b50d071f303004a43310d9fe93ec747a2fca656851978b477a8544b1f10a5a49",
    "traffic_accuracy_weekly": "05ea6aa7701c7ab015e7aec933cae8cffc3b3b18c65bf1c262e73428c8bc2538",
    "sales_accuracy_weekly": "b4cefd9934e15ad5c7a044fa43c2cad8994cff5b091b9b1ef86a5c277a247bfb",
    "staffing_plan_vs_actual": "2092f2c82af3a0cf2c9dc02141b0c3fab747a356f2e120ca61d167bcccff5a77",
    "model_history": "3a4f106b8cb3bcc698628502a7b0d8c40dcf4c3a9610287d9637814b74aad652",
}
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


def upgrade() -> None:
    op.execute(CREATE_ROLE)
    execute_frozen(revision, VIEWS)
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
