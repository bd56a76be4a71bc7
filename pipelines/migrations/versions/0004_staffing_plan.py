"""Outputs: the hourly staffing plan and the shifts that cover it.

Revision ID: 0004_staffing_plan
Revises: 0003_models
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_staffing_plan"
down_revision = "0003_models"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staffing",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
        sa.Column("ts_local", sa.DateTime, primary_key=True),
        sa.Column("role", sa.Text, primary_key=True),
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("traffic_p50", sa.Float, nullable=False),
        sa.Column("planned_quantile", sa.Text, nullable=False),
        sa.Column("traffic_planned", sa.Float, nullable=False),
        sa.Column("expected_transactions", sa.Float, nullable=False),
        sa.Column("required", sa.Integer, nullable=False),
        sa.Column("staff", sa.Integer, nullable=False),
        sa.Column("binding_rule", sa.Text, nullable=False),
        sa.Column("service_level", sa.Float),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.CheckConstraint("role in ('cashier', 'floor')", name="role_known"),
        schema="plan",
    )
    op.create_table(
        "shifts",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
        sa.Column("business_date", sa.Date, primary_key=True),
        sa.Column("role", sa.Text, primary_key=True),
        sa.Column("shift_no", sa.Integer, primary_key=True),
        sa.Column("shift_start", sa.DateTime, nullable=False),
        sa.Column("shift_end", sa.DateTime, nullable=False),
        sa.Column("hours", sa.Float, nullable=False),
        schema="plan",
    )
    op.create_table(
        "shift_totals",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
        sa.Column("business_date", sa.Date, primary_key=True),
        sa.Column("role", sa.Text, primary_key=True),
        sa.Column("shifts", sa.Integer, nullable=False),
        sa.Column("staff_hours", sa.Float, nullable=False),
        sa.Column("need_hours", sa.Float, nullable=False),
        sa.Column("gap_hours", sa.Float, nullable=False),
        schema="plan",
    )


def downgrade() -> None:
    op.drop_table("shift_totals", schema="plan")
    op.drop_table("shifts", schema="plan")
    op.drop_table("staffing", schema="plan")
