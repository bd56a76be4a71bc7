"""Explanations: why each forecast, churn score and promotion is what it is.

Schema ``explanations``: SHAP drivers of every sales forecast row (keyed like
forecast.sales_daily plus the driver's rank), the traffic network's attributions per store and
day (a day row with its "why this week" line, and one row per driver), the drivers of each
explained member's churn score (pseudonymous key only), what drives each proposed promotion's
lift, and each model's global importance per night.

The analyst role reads every table here except ``churn_drivers`` (per-member behaviour, like the
restricted loyalty.churn_scores): analysts see churn drivers only aggregated per store, through
``analytics.churn_drivers_by_store``, which has no customer key at all. The views' SQL is frozen
under ``pipelines/migrations/frozen/0009_explanations/`` (see ``pipelines.db.frozen_sql``).

Revision ID: 0009_explanations
Revises: 0008_monitoring
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from pipelines.db.frozen_sql import execute_frozen

revision = "0009_explanations"
down_revision = "0008_monitoring"
branch_labels = None
depends_on = None

SCHEMAS = ("explanations",)
ANALYST_ROLE = "nightshift_analyst"
READABLE_TABLES = (
    "explanations.sales_drivers",
    "explanations.traffic_days",
    "explanations.traffic_drivers",
    "explanations.promotion_drivers",
    "explanations.feature_importance",
)
# View name -> SHA-256 of its frozen SQL, in creation order.
VIEWS = {
    "latest_sales_drivers": "ff7e6656e6a143a6a50f9f1d9f2855286b8581bd2d034c8aa444d15be985642b",
    "latest_traffic_why": "a2a674208ef56fd2961d1207100ee9a30355e16a5cf03f08edaa03216c8ef1fb",
    "churn_drivers_by_store": "0adf6998ea5bf2a74d1a979b9a475a8f98a9bf8ebd55e8e21c4842e8fdbe105c",
    "feature_importance_trend": "3db96c348773f02e678cea57956a97c5397bbb46f298bf5af06cea0926d2f70a",
}


def _store() -> sa.Column:
    return sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True)


def upgrade() -> None:
    op.execute("create schema if not exists explanations")
    op.create_table(
        "sales_drivers",
        sa.Column("run_date", sa.Date, primary_key=True),
        _store(),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("category", sa.Text, primary_key=True),  # '__all__' = the store's total
        sa.Column("rank", sa.SmallInteger, primary_key=True),
        sa.Column("feature", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("feature_value", sa.Float),
        sa.Column("contribution_pen", sa.Float, nullable=False),
        sa.Column("base_pen", sa.Float, nullable=False),
        sa.Column("prediction_pen", sa.Float, nullable=False),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        schema="explanations",
    )
    op.create_table(
        "traffic_days",
        sa.Column("run_date", sa.Date, primary_key=True),
        _store(),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("usual_visitors", sa.Float, nullable=False),
        sa.Column("forecast_visitors", sa.Float, nullable=False),
        sa.Column("change_pct", sa.Float),
        sa.Column("unusual", sa.Boolean, nullable=False),
        sa.Column("enough_history", sa.Boolean, nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        schema="explanations",
    )
    op.create_table(
        "traffic_drivers",
        sa.Column("run_date", sa.Date, primary_key=True),
        _store(),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("driver", sa.Text, primary_key=True),
        sa.Column("driver_group", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("contribution_visitors", sa.Float, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_date", "store_id", "date"],
            [
                "explanations.traffic_days.run_date",
                "explanations.traffic_days.store_id",
                "explanations.traffic_days.date",
            ],
            ondelete="CASCADE",
        ),
        schema="explanations",
    )
    op.create_table(
        "churn_drivers",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("customer_key", pg.UUID(as_uuid=False), primary_key=True),
        sa.Column("rank", sa.SmallInteger, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id")),
        sa.Column("selection", sa.Text, nullable=False),
        sa.Column("feature", sa.Text, nullable=False),
        sa.Column("reason_group", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("feature_value", sa.Float),
        sa.Column("contribution_logit", sa.Float, nullable=False),
        sa.Column("base_logit", sa.Float, nullable=False),
        sa.Column("churn_risk", sa.Float, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.CheckConstraint(
            "selection in ('offer_candidate', 'sample')", name="churn_driver_selection_known"
        ),
        schema="explanations",
    )
    op.create_table(
        "promotion_drivers",
        sa.Column("run_date", sa.Date, primary_key=True),
        _store(),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("category", sa.Text, primary_key=True),
        sa.Column("discount_pct", sa.Numeric(5, 2), primary_key=True),
        sa.Column("driver", sa.Text, primary_key=True),
        sa.Column("rank", sa.SmallInteger, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("contribution_pen", sa.Float, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        schema="explanations",
    )
    op.create_table(
        "feature_importance",
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("model_name", sa.Text, primary_key=True),
        sa.Column("feature", sa.Text, primary_key=True),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.Column("rank", sa.SmallInteger, nullable=False),
        sa.Column("mean_abs", sa.Float, nullable=False),
        sa.Column("share", sa.Float, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("rows_explained", sa.Integer, nullable=False),
        schema="explanations",
    )
    execute_frozen(revision, VIEWS)
    op.execute(f"grant usage on schema explanations to {ANALYST_ROLE}")
    op.execute(f"grant select on {', '.join(READABLE_TABLES)} to {ANALYST_ROLE}")


def downgrade() -> None:
    op.execute(f"revoke select on {', '.join(READABLE_TABLES)} from {ANALYST_ROLE}")
    op.execute(f"revoke usage on schema explanations from {ANALYST_ROLE}")
    for view in reversed(VIEWS):
        op.execute(f"drop view if exists analytics.{view}")
    for table in ("feature_importance", "promotion_drivers", "churn_drivers",
                  "traffic_drivers", "traffic_days", "sales_drivers"):  # fmt: skip
        op.drop_table(table, schema="explanations")
    op.execute("drop schema if exists explanations")
