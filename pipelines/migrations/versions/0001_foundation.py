"""Foundation: the warehouse's schemas, reference tables and the pipeline-run log.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

# One schema per layer: reference data, raw landings, rejected rows, typed core, model outputs,
# plans, loyalty, operations, and the analyst-facing views.
SCHEMAS = ("ref", "raw", "quarantine", "core", "forecast", "plan", "loyalty", "ops", "analytics")


def upgrade() -> None:
    for schema in SCHEMAS:
        op.execute(f"create schema if not exists {schema}")

    op.create_table(
        "stores",
        sa.Column("store_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("district", sa.Text),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("latitude", sa.Float, nullable=False),
        sa.Column("longitude", sa.Float, nullable=False),
        sa.Column("timezone", sa.Text, nullable=False, server_default="America/Lima"),
        # {"1": {"open": "10:00", "close": "22:00"}, ...}: ISO weekday -> local opening times;
        # a missing weekday means closed; a close at or before the open time is past midnight.
        sa.Column("opening_hours", pg.JSONB, nullable=False),
        sa.Column("manager_name", sa.Text, nullable=False),
        sa.Column("manager_email", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.CheckConstraint("format in ('mall', 'street', 'restaurant')", name="format_known"),
        sa.CheckConstraint("latitude between -90 and 90", name="latitude_range"),
        sa.CheckConstraint("longitude between -180 and 180", name="longitude_range"),
        sa.CheckConstraint("jsonb_typeof(opening_hours) = 'object'", name="opening_hours_object"),
        schema="ref",
    )

    op.create_table(
        "calendar",
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("iso_weekday", sa.SmallInteger, nullable=False),
        sa.Column("is_weekend", sa.Boolean, nullable=False),
        sa.Column("is_holiday", sa.Boolean, nullable=False),
        sa.Column("holiday_name", sa.Text),
        sa.Column("is_long_weekend", sa.Boolean, nullable=False),
        sa.Column("is_payday", sa.Boolean, nullable=False),
        sa.CheckConstraint("iso_weekday between 1 and 7", name="iso_weekday_range"),
        sa.CheckConstraint("is_holiday = (holiday_name is not null)", name="holiday_named"),
        schema="ref",
    )

    op.create_table(
        "pipeline_runs",
        sa.Column("logical_date", sa.Date, primary_key=True),
        sa.Column("business_date", sa.Date, nullable=False, unique=True),
        sa.Column("data_interval_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_interval_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dag_run_id", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("counts", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("error", sa.Text),
        sa.CheckConstraint("status in ('running', 'success', 'failed')", name="status_known"),
        schema="ops",
    )


def downgrade() -> None:
    op.drop_table("pipeline_runs", schema="ops")
    op.drop_table("calendar", schema="ref")
    op.drop_table("stores", schema="ref")
    for schema in reversed(SCHEMAS):
        op.execute(f"drop schema if exists {schema}")
