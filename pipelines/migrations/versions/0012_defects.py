"""The model_history view says what a baseline row means.

A first challenger that does not beat its simple baseline is not promoted, and its decision
names the baseline the night served (``champion_version`` = ``baseline:<name>``). The view is
unchanged but for that column's comment; its new text is frozen with this migration, and
downgrade restores 0006's.

Revision ID: 0012_defects
Revises: 0011_monthly_partitions
Create Date: 2026-12-04
"""

from __future__ import annotations

from pipelines.db.frozen_sql import execute_frozen

revision = "0012_defects"
down_revision = "0011_monthly_partitions"
branch_labels = None
depends_on = None

VIEWS = {"model_history": "79dae3e6b3ecd72cc843f773022f1365198fc16088bde0e25577437b2bd89232"}
PREVIOUS = {"model_history": "3a4f106b8cb3bcc698628502a7b0d8c40dcf4c3a9610287d9637814b74aad652"}


def upgrade() -> None:
    execute_frozen(revision, VIEWS)


def downgrade() -> None:
    execute_frozen("0006_analytics", PREVIOUS)
