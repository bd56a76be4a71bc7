"""Models: champion/challenger decisions and the forecast tables.

Revision ID: 0003_models
Revises: 0002_data_in
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_models"
down_revision = "0002_data_in"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One decision per model per business date (a re-run replaces it).
    op.create_table(
        "model_promotions",
        sa.Column("business_date", sa.Date, primary_key=True),
        sa.Column("model_name", sa.Text, primary_key=True),
        sa.Column("challenger_run_id", sa.Text, nullable=False),
        sa.Column("challenger_version", sa.Text),
        sa.Column("champion_version", sa.Text),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("higher_is_better", sa.Boolean, nullable=False),
        sa.Column("challenger_score", sa.Float, nullable=False),
        sa.Column("champion_score", sa.Float),
        sa.Column("margin", sa.Float, nullable=False),
        sa.Column("promoted", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        schema="ops",
    )
    op.create_table(
        "traffic_hourly",
        sa.Column("run_date", sa.Date, primary_key=True),  # the business date of the night
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
        sa.Column("ts_local", sa.DateTime, primary_key=True),
        sa.Column("ts_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("p10", sa.Float, nullable=False),
        sa.Column("p50", sa.Float, nullable=False),
        sa.Column("p90", sa.Float, nullable=False),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.CheckConstraint("p10 <= p50 and p50 <= p90", name="quantiles_ordered"),
        schema="forecast",
    )
    op.create_table(
        "sales_daily",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("category", sa.Text, primary_key=True),  # '__all__' = the store's total
        sa.Column("prediction", sa.Float, nullable=False),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        schema="forecast",
    )


def downgrade() -> None:
    op.drop_table("sales_daily", schema="forecast")
    op.drop_table("traffic_hourly", schema="forecast")
    op.drop_table("model_promotions", schema="ops")
