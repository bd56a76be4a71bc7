"""Views the Grafana dashboards read as the analyst role: nights and source loads.

Grafana's PostgreSQL data source logs in as ``nightshift_analyst``, which may not read ``ops``
(file names, checksums, error texts). These views give it the night's outcome and duration
(``analytics.night_runs``) and the load and gate counts (``analytics.source_loads``), as
``analytics.model_history`` already does for model decisions. They are analyst-readable through
the default privileges of ``analytics`` (migration 0006). Their SQL is frozen with this
migration (``pipelines/migrations/frozen/0013_dashboard_views/``).

Revision ID: 0013_dashboard_views
Revises: 0012_defects
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from pipelines.db.frozen_sql import execute_frozen

revision = "0013_dashboard_views"
down_revision = "0012_defects"
branch_labels = None
depends_on = None

# View name -> SHA-256 of its frozen SQL, in creation order.
VIEWS = {
    "night_runs": "929e27a53a6ecc5dc926c4a9abdb9ca9b9f2563620458152dc2d7c6d34c62a59",
    "source_loads": "198a0983d8c81944acb1fc45ad3010c43ebcf2fbb4ad6bae1834fa3d41b14e5e",
}


def upgrade() -> None:
    execute_frozen(revision, VIEWS)


def downgrade() -> None:
    for view in reversed(VIEWS):
        op.execute(f"drop view if exists analytics.{view}")
