"""Margins and closed-loop staffing figures: the catalogue's unit costs, promotions by margin,
and staffing_plan_vs_actual with the service level achieved and the staff each hour needed.

raw/quarantine/core.product_costs  the new ``product_costs`` export (pos source, optional): the
                                   unit cost of each product valid from its business date;
plan.promotions                    the incremental margin of each proposal and its interval;
analytics.erlang_*                 Erlang C in SQL, for the view (frozen with it);
analytics.staffing_plan_vs_actual  + actual tickets, cashiers on duty, service level achieved,
                                   staff needed, hours over/under need (frozen; 0006's text is
                                   restored on downgrade).

Costs stay out of the analysts' reach (core); the view's new columns are readable as the view
is. Revision ID: 0010_margins; Revises: 0006_analytics; Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from pipelines.db.frozen_sql import execute_frozen

revision = "0010_margins"
down_revision = "0009_explanations"
branch_labels = None
depends_on = None

RAW_COLUMNS = ("product", "category", "unit_cost")
PROMOTION_COLUMNS = (
    # store margin (PEN) that day with and without the promotion, net of the discount
    ("margin_with", sa.Float),
    ("margin_without", sa.Float),
    ("expected_margin", sa.Float),  # margin_with - margin_without: what the plan ranks by
    ("margin_p10", sa.Float),  # the stated 80% interval of expected_margin
    ("margin_p90", sa.Float),
    ("margin_rate", sa.Float),  # the promoted category's gross margin at list price
    ("cost_coverage", sa.Float),  # share of its recent sales whose products had a cost
)
# Frozen SQL, name -> SHA-256, in execution order.
FROZEN = {
    "erlang_functions": "38c9e4357af6aa4f7e78805daa693cb08aa63d1eefeb5413d53e3e1dfb1e2e7f",
    "staffing_plan_vs_actual": "97a4c354789fa54a3359a6ae0b7e8ae53f4bfd6f3229183789c58ca11fa19eb2",
}
PREVIOUS_VIEW = {
    "staffing_plan_vs_actual": "2092f2c82af3a0cf2c9dc02141b0c3fab747a356f2e120ca61d167bcccff5a77"
}


def upgrade() -> None:
    op.create_table(
        "product_costs",
        sa.Column("raw_id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column(
            "business_date",
            sa.Date,
            nullable=False,
            server_default=sa.text("(current_setting('nightshift.business_date'))::date"),
        ),
        sa.Column(
            "source_file",
            sa.Text,
            nullable=False,
            server_default=sa.text("current_setting('nightshift.source_file')"),
        ),
        *[sa.Column(name, sa.Text) for name in RAW_COLUMNS],
        schema="raw",
    )
    op.create_index(
        "product_costs_business_date_brin",
        "product_costs",
        ["business_date"],
        schema="raw",
        postgresql_using="brin",
    )
    op.create_table(
        "product_costs",
        sa.Column("business_date", sa.Date, nullable=False, index=True),
        sa.Column("raw_id", sa.BigInteger),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("original", pg.JSONB, nullable=False),
        schema="quarantine",
    )
    op.create_table(
        "product_costs",
        sa.Column("business_date", sa.Date, primary_key=True),
        sa.Column("product", sa.Text, primary_key=True),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("unit_cost", sa.Numeric(12, 2), nullable=False),
        sa.CheckConstraint("unit_cost > 0", name="unit_cost_positive"),
        schema="core",
    )
    # Margins read each product's latest cost on or before a night.
    op.create_index(
        "product_costs_product_date",
        "product_costs",
        ["product", sa.text("business_date desc")],
        schema="core",
    )
    for name, kind in PROMOTION_COLUMNS:
        op.add_column("promotions", sa.Column(name, kind), schema="plan")
    # The view gains columns at its end; a replaced view may only append, so it is recreated.
    op.execute("drop view if exists analytics.staffing_plan_vs_actual")
    execute_frozen(revision, FROZEN)


def downgrade() -> None:
    op.execute("drop view if exists analytics.staffing_plan_vs_actual")
    execute_frozen("0006_analytics", PREVIOUS_VIEW)
    for function in ("erlang_servers_needed", "erlang_service_level"):
        op.execute(f"drop function if exists analytics.{function}")
    for name, _kind in reversed(PROMOTION_COLUMNS):
        op.drop_column("promotions", name, schema="plan")
    op.drop_table("product_costs", schema="core")
    op.drop_table("product_costs", schema="quarantine")
    op.drop_table("product_costs", schema="raw")
