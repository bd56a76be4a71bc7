"""Outputs: review sentiment scores, churn scores, rewards and the promotion plan.

Customers appear outside the restricted tables only by a pseudonymous key
(``loyalty.customer_keys``: random, never derived from contact data).

Revision ID: 0005_loyalty_promotions
Revises: 0004_staffing_plan
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0005_loyalty_promotions"
down_revision = "0004_staffing_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_keys",
        sa.Column(
            "customer_id", sa.Text, sa.ForeignKey("core.customers.customer_id"), primary_key=True
        ),
        sa.Column(
            "customer_key",
            pg.UUID(as_uuid=False),
            nullable=False,
            unique=True,
            server_default=sa.text("gen_random_uuid()"),
        ),
        schema="loyalty",
    )
    # One score per review: the champion that scored it on the night its date was processed.
    # No foreign key to core.reviews on purpose: re-publishing a date (delete + insert of its
    # reviews) must not remove scores that a backfill night running alongside is reading;
    # score_reviews re-scores the date and drops scores of reviews that disappeared.
    op.create_table(
        "review_scores",
        sa.Column("review_id", sa.Text, primary_key=True),
        sa.Column("business_date", sa.Date, nullable=False, index=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("p_negative", sa.Float, nullable=False),
        sa.Column("p_neutral", sa.Float, nullable=False),
        sa.Column("p_positive", sa.Float, nullable=False),
        sa.Column("sentiment", sa.Float, nullable=False),  # p_positive - p_negative, in [-1, 1]
        sa.Column("model_version", sa.Text, nullable=False),
        sa.CheckConstraint(
            "label in ('negative', 'neutral', 'positive')", name="sentiment_label_known"
        ),
        schema="loyalty",
    )
    op.create_table(
        "churn_scores",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("customer_key", pg.UUID(as_uuid=False), primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id")),
        sa.Column("p_return_30d", sa.Float, nullable=False),
        sa.Column("recency_days", sa.Float),
        sa.Column("frequency_90d", sa.Float),
        sa.Column("monetary_90d", sa.Float),
        sa.Column("sentiment_mean", sa.Float),
        sa.Column("complaints_90d", sa.Float),
        sa.Column("model_version", sa.Text, nullable=False),
        schema="loyalty",
    )
    op.create_table(
        "rewards",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("customer_key", pg.UUID(as_uuid=False), primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), nullable=False),
        sa.Column("offer_type", sa.Text, nullable=False),
        sa.Column("value_pen", sa.Numeric(10, 2), nullable=False),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_to", sa.Date),
        sa.Column("reason_code", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("p_return_30d", sa.Float, nullable=False),
        sa.Column("monetary_90d", sa.Float),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.CheckConstraint("offer_type in ('win_back', 'vip', 'none')", name="offer_type_known"),
        sa.CheckConstraint("value_pen >= 0", name="value_not_negative"),
        schema="loyalty",
    )
    op.create_table(
        "promotions",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("category", sa.Text, primary_key=True),
        sa.Column("discount_pct", sa.Numeric(5, 2), primary_key=True),
        sa.Column("rank", sa.Integer, nullable=False),  # 1 = best candidate of the store
        sa.Column("sales_without", sa.Float, nullable=False),
        sa.Column("sales_with", sa.Float, nullable=False),
        sa.Column("expected_lift", sa.Float, nullable=False),
        sa.Column("lift_p10", sa.Float),
        sa.Column("lift_p90", sa.Float),
        sa.Column("confidence", sa.Text, nullable=False),  # high | medium | low
        sa.Column("staff_slack_hours", sa.Float),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        schema="plan",
    )


def downgrade() -> None:
    op.drop_table("promotions", schema="plan")
    op.drop_table("rewards", schema="loyalty")
    op.drop_table("churn_scores", schema="loyalty")
    op.drop_table("review_scores", schema="loyalty")
    op.drop_table("customer_keys", schema="loyalty")
