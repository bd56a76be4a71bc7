"""Data in: landed (raw), rejected (quarantine) and typed (core) tables, and the load log.

raw.*        every landed row as text, exactly as the source sent it, keyed by business date;
quarantine.* rows the gate rejected, with the original row and the reason;
core.*       typed, deduplicated rows with local and UTC timestamps, for models and analysts.
Every table is replaced per business date (delete + insert in one transaction) by the loaders.

Revision ID: 0002_data_in
Revises: 0001_foundation
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0002_data_in"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

# Columns of each landed source, in file order (all text in raw.*).
RAW_COLUMNS = {
    "pos_lines": [
        "ticket_id", "line_id", "store_id", "ts", "customer_id", "category", "product",
        "quantity", "unit_price", "discount", "payment_type", "amount",
    ],
    "door_counts": ["store_id", "ts", "count"],
    "staffing": ["store_id", "ts", "staff_on_duty"],
    "promotions": ["promo_id", "store_id", "date", "category", "discount_pct", "channel"],
    "reviews": ["review_id", "store_id", "customer_id", "ts", "rating", "language", "text"],
    "weather": [
        "kind", "city", "latitude", "longitude", "ts", "temperature_2m", "precipitation",
        "relative_humidity_2m",
    ],
}  # fmt: skip


def _ts_pair() -> list[sa.Column]:
    return [
        sa.Column("ts_local", sa.DateTime, nullable=False),
        sa.Column("ts_utc", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("stores", sa.Column("size_sqm", sa.Integer), schema="ref")
    op.add_column("stores", sa.Column("opened_on", sa.Date), schema="ref")

    for source, columns in RAW_COLUMNS.items():
        op.create_table(
            source,
            # Unique by construction (identity) but deliberately not indexed: raw.* is an
            # append-only landing zone read by business date, and every index slows the COPY.
            sa.Column("raw_id", sa.BigInteger, sa.Identity(), nullable=False),
            # The loader sets these two per transaction (SET LOCAL nightshift.*), so a clean
            # export file can be streamed to COPY byte for byte, as fast as psql's \copy.
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
            *[sa.Column(name, sa.Text) for name in columns],
            schema="raw",
        )
        # Raw rows arrive in business-date order, so a BRIN index finds a date's rows at a
        # fraction of a B-tree's cost to maintain during COPY.
        op.create_index(
            f"{source}_business_date_brin",
            source,
            ["business_date"],
            schema="raw",
            postgresql_using="brin",
        )
        op.create_table(
            source,
            sa.Column("business_date", sa.Date, nullable=False, index=True),
            sa.Column("raw_id", sa.BigInteger),
            sa.Column("source_file", sa.Text, nullable=False),
            sa.Column("reason", sa.Text, nullable=False),
            sa.Column("original", pg.JSONB, nullable=False),
            schema="quarantine",
        )

    op.create_table(
        "pos_lines",
        sa.Column("business_date", sa.Date, nullable=False, index=True),
        sa.Column("ticket_id", sa.Text, primary_key=True),
        sa.Column("line_id", sa.Integer, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), nullable=False),
        *_ts_pair(),
        sa.Column("customer_id", sa.Text),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("product", sa.Text, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
        sa.Column("discount", sa.Numeric(10, 2), nullable=False),
        sa.Column("payment_type", sa.Text, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        schema="core",
    )
    op.create_index("pos_lines_store_ts", "pos_lines", ["store_id", "ts_local"], schema="core")
    measures = {
        "door_counts": sa.Column("count", sa.Integer),  # NULL: the counter was out
        "staffing": sa.Column("staff_on_duty", sa.Integer, nullable=False),
    }
    for table, value in measures.items():
        op.create_table(
            table,
            sa.Column("business_date", sa.Date, nullable=False, index=True),
            sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
            sa.Column("ts_local", sa.DateTime, primary_key=True),
            sa.Column("ts_utc", sa.DateTime(timezone=True), nullable=False),
            value,
            schema="core",
        )
    op.create_table(
        "promotions",
        sa.Column("promo_id", sa.Text, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("discount_pct", sa.Numeric(5, 2), nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("exported_on", sa.Date, nullable=False, index=True),
        schema="core",
    )
    op.create_table(
        "reviews",
        sa.Column("business_date", sa.Date, nullable=False, index=True),
        sa.Column("review_id", sa.Text, primary_key=True),
        sa.Column("store_id", sa.Text, sa.ForeignKey("ref.stores.store_id"), nullable=False),
        sa.Column("customer_id", sa.Text),
        *_ts_pair(),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        schema="core",
    )
    op.create_table(
        "weather_hourly",
        sa.Column("business_date", sa.Date, nullable=False, index=True),
        sa.Column("kind", sa.Text, primary_key=True),  # observed | forecast (issued that night)
        sa.Column("city", sa.Text, primary_key=True),
        sa.Column("ts_local", sa.DateTime, primary_key=True),
        sa.Column("issued_on", sa.Date, primary_key=True),
        sa.Column("ts_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("temperature_2m", sa.Float),
        sa.Column("precipitation", sa.Float),
        sa.Column("relative_humidity_2m", sa.Float),
        sa.CheckConstraint("kind in ('observed', 'forecast')", name="kind_known"),
        schema="core",
    )
    # Contact details: restricted (analysts never get this table; rewards use a pseudonymous key).
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.Text, primary_key=True),
        sa.Column("full_name", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("home_store_id", sa.Text),
        sa.Column("signup_date", sa.Date),
        schema="core",
    )
    op.create_table(
        "loads",
        sa.Column("business_date", sa.Date, primary_key=True),
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("checksum", sa.Text, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_loaded", sa.Integer, nullable=False),
        sa.Column("rows_quarantined", sa.Integer),
        sa.Column("rows_published", sa.Integer),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        schema="ops",
    )


def downgrade() -> None:
    op.drop_table("loads", schema="ops")
    for table in ("customers", "weather_hourly", "reviews", "promotions", "staffing",
                  "door_counts", "pos_lines"):  # fmt: skip
        op.drop_table(table, schema="core")
    for source in RAW_COLUMNS:
        op.drop_table(source, schema="quarantine")
        op.drop_table(source, schema="raw")
    op.drop_column("stores", "opened_on", schema="ref")
    op.drop_column("stores", "size_sqm", schema="ref")
