"""Monitoring: the nightly figures about the models and the nights, and the accuracy views on
top of them.

``monitoring`` holds what ``pipelines.monitoring`` measures each night, replaced per business
date: model performance as actuals land, input and prediction drift (Evidently), data quality per
source, task durations, what happened to each model (``model_status``) and the degradation events
that force a retrain. The analyst role reads the whole schema (Grafana's data source).

``analytics.traffic_accuracy_weekly`` and ``sales_accuracy_weekly`` move onto
``monitoring.model_performance``: one definition of forecast accuracy (the monitor's), the views
only add its daily figures up by ISO week. Their SQL is frozen under
``pipelines/migrations/frozen/0008_monitoring/``; downgrade restores the 0006 definitions.

Revision ID: 0008_monitoring
Revises: 0006_analytics
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pipelines.db.frozen_sql import execute_frozen

revision = "0008_monitoring"
down_revision = "0006_analytics"
branch_labels = None
depends_on = None

ANALYST_ROLE = "nightshift_analyst"
SCHEMA = "monitoring"
SCHEMAS = (SCHEMA,)  # schemas this migration adds (the data dictionary test reads it)
# View name -> SHA-256 of its frozen SQL.
VIEWS = {
    "traffic_accuracy_weekly": "cf9cb663e6efbc7c69be6c746fb0bd7b2491c0a69cabe96194f1b6cf6ee6fd04",
    "sales_accuracy_weekly": "33381acbc7b4836cc0ce08f6c795e9bd5e652eba9e3e44a6d7fd6bace63c04f5",
}
# What 0006 created for the same views, restored on downgrade.
VIEWS_0006 = {
    "traffic_accuracy_weekly": "05ea6aa7701c7ab015e7aec933cae8cffc3b3b18c65bf1c262e73428c8bc2538",
    "sales_accuracy_weekly": "b4cefd9934e15ad5c7a044fa43c2cad8994cff5b091b9b1ef86a5c277a247bfb",
}
TABLES = (
    "model_performance",
    "feature_drift",
    "model_status",
    "data_quality",
    "task_durations",
    "degradation_events",
)


def _lineage() -> list[sa.Column]:
    """Which night measured what: the business date, the model and the night's run id."""
    return [
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text),
        sa.Column("run_id", sa.Text, nullable=False),
    ]


def upgrade() -> None:
    op.execute(f"create schema if not exists {SCHEMA}")
    op.create_table(
        "model_performance",
        *_lineage(),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("store_id", sa.Text),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("n_obs", sa.Integer, nullable=False),
        sa.Column("window_days", sa.Integer, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.CheckConstraint("scope in ('chain', 'store')", name="scope_known"),
        sa.CheckConstraint("(scope = 'chain') = (store_id is null)", name="store_matches_scope"),
        # The chain's rows have no store: NULLs must count as equal for the key to hold.
        sa.UniqueConstraint(
            "business_date",
            "model_name",
            "scope",
            "store_id",
            "metric",
            "window_days",
            name="model_performance_key",
            postgresql_nulls_not_distinct=True,
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "feature_drift",
        *_lineage(),
        # 'data': a model input, reference = the model's training window; 'prediction': its
        # output, reference = the predictions of the nights before.
        sa.Column("drift_kind", sa.Text, nullable=False, server_default="data"),
        sa.Column("feature", sa.Text, nullable=False),
        sa.Column("test_name", sa.Text, nullable=False),
        sa.Column("statistic", sa.Float, nullable=False),
        sa.Column("p_value", sa.Float),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("drifted", sa.Boolean, nullable=False),
        sa.Column("reference_rows", sa.Integer),
        sa.Column("current_rows", sa.Integer),
        sa.Column("mlflow_run_id", sa.Text),
        sa.CheckConstraint("drift_kind in ('data', 'prediction')", name="drift_kind_known"),
        sa.PrimaryKeyConstraint("business_date", "model_name", "drift_kind", "feature"),
        schema=SCHEMA,
    )
    op.create_table(
        "model_status",
        *_lineage(),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("reports", sa.Text),
        sa.PrimaryKeyConstraint("business_date", "model_name"),
        schema=SCHEMA,
    )
    op.create_table(
        "data_quality",
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("value", sa.Float),
        sa.Column("run_id", sa.Text),
        sa.UniqueConstraint(
            "business_date",
            "source",
            "metric",
            "detail",
            name="data_quality_key",
            postgresql_nulls_not_distinct=True,
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "task_durations",
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("logical_date", sa.DateTime(timezone=True)),
        sa.Column("dag_run_id", sa.Text, nullable=False),
        sa.Column("task_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text),
        sa.Column("duration_s", sa.Float),
        sa.Column("try_number", sa.Integer),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("business_date", "dag_run_id", "task_id"),
        schema=SCHEMA,
    )
    op.create_table(
        "degradation_events",
        sa.Column("business_date", sa.Date, nullable=False),
        sa.Column("model_name", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False, server_default="chain"),
        sa.Column("store_id", sa.Text),
        sa.Column("window_days", sa.Integer),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("direction", sa.Text, nullable=False),
        sa.Column("report_path", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("alerted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("resolved_on", sa.Date),
        sa.Column("detail", sa.Text),
        sa.Column("run_id", sa.Text),
        sa.CheckConstraint("direction in ('above', 'below')", name="direction_known"),
        sa.UniqueConstraint(
            "business_date",
            "model_name",
            "metric",
            "scope",
            "store_id",
            name="degradation_events_key",
            postgresql_nulls_not_distinct=True,
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "degradation_events_open", "degradation_events", ["model_name", "business_date"],
        schema=SCHEMA, postgresql_where=sa.text("resolved_on is null"),
    )  # fmt: skip
    for view in VIEWS:
        op.execute(f"drop view if exists analytics.{view}")
    execute_frozen(revision, VIEWS)
    op.execute(f"grant usage on schema {SCHEMA} to {ANALYST_ROLE}")
    op.execute(f"grant select on all tables in schema {SCHEMA} to {ANALYST_ROLE}")
    op.execute(f"grant select on {', '.join(f'analytics.{v}' for v in VIEWS)} to {ANALYST_ROLE}")
    op.execute(
        f"alter default privileges in schema {SCHEMA} grant select on tables to {ANALYST_ROLE}"
    )


def downgrade() -> None:
    op.execute(
        f"alter default privileges in schema {SCHEMA} revoke select on tables from {ANALYST_ROLE}"
    )
    for view in VIEWS:
        op.execute(f"drop view if exists analytics.{view}")
    execute_frozen("0006_analytics", VIEWS_0006)
    op.execute(f"grant select on {', '.join(f'analytics.{v}' for v in VIEWS)} to {ANALYST_ROLE}")
    for table in reversed(TABLES):
        op.drop_table(table, schema=SCHEMA)
    op.execute(f"revoke usage on schema {SCHEMA} from {ANALYST_ROLE}")
    op.execute(f"drop schema if exists {SCHEMA}")
