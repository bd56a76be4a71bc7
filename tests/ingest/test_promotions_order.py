"""The marketing calendar does not depend on the order nights publish in, and a night reads it
as it was known that night (backfill nights run side by side, or are re-run later)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, text

from pipelines.db import migrate
from pipelines.ingest import publish
from pipelines.sources.datasets import PROMOTIONS

D = date(2026, 6, 1)
# Three nights' exports (each the truth for its 15 days): on D+1 marketing cancels P2 and
# announces P3; on D+2 nothing changes.
EXPORTS = {
    D: [("P1", D + timedelta(days=3)), ("P2", D + timedelta(days=5))],
    D + timedelta(days=1): [("P1", D + timedelta(days=3)), ("P3", D + timedelta(days=4))],
    D + timedelta(days=2): [("P1", D + timedelta(days=3)), ("P3", D + timedelta(days=4))],
}


def _land(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(
            "insert into ref.stores (store_id, name, city, format, latitude, longitude,"
            " opening_hours, manager_name, manager_email) values ('S1', 'Larcomar', 'Lima',"
            " 'mall', -12.1, -77.0, '{}', 'Ana', 'ana@example.pe')"
        ))  # fmt: skip
        for exported, rows in EXPORTS.items():
            for promo, day in rows:
                conn.execute(text(
                    "insert into raw.promotions (business_date, source_file, promo_id, store_id,"
                    " date, category, discount_pct, channel) values (:e, 'p.csv', :p, 'S1', :d,"
                    " 'pan', '20', 'tienda')"
                ), {"e": exported, "p": promo, "d": str(day)})  # fmt: skip
            conn.execute(text(
                "insert into ops.loads (business_date, source, source_file, checksum, rows_read,"
                " rows_loaded, duration_s) values (:e, 'promotions', 'p.csv', '-', :n, :n, 0)"
            ), {"e": exported, "n": len(rows)})  # fmt: skip


def _calendar(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "select promo_id, date, exported_on from core.promotions order by 1, 2"))]  # fmt: skip


def _as_of(engine: Engine, as_of: date) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "select promo_id, date, first_seen from core.promotions_as_of(:f, :l, :a) order by 1"
        ), {"f": D, "l": D + timedelta(days=14), "a": as_of})]  # fmt: skip


def test_any_publish_order_gives_the_same_calendar(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    _land(fresh_engine)
    days = sorted(EXPORTS)
    results = []
    for order in (days, list(reversed(days)), [days[1], days[0], days[2]]):
        with fresh_engine.begin() as conn:  # nothing published yet
            conn.execute(text("delete from core.promotions"))
            conn.execute(text("update ops.loads set rows_published = null"))
        for day in order:
            publish.publish(fresh_engine, PROMOTIONS, day, day, "America/Lima")
        results.append(_calendar(fresh_engine))
    in_order = [
        ("P1", D + timedelta(days=3), D + timedelta(days=2)),
        ("P3", D + timedelta(days=4), D + timedelta(days=2)),
    ]
    assert results == [in_order] * 3


def test_a_night_reads_the_plan_it_knew_whatever_was_published_later(
    fresh_engine: Engine,
) -> None:
    migrate.upgrade(fresh_engine)
    _land(fresh_engine)
    for day in sorted(EXPORTS):
        publish.publish(fresh_engine, PROMOTIONS, day, day, "America/Lima")
    # Night D: P2 still planned, P3 not yet announced.
    assert _as_of(fresh_engine, D) == [
        ("P1", D + timedelta(days=3), D), ("P2", D + timedelta(days=5), D),
    ]  # fmt: skip
    # Night D+2: P2 cancelled, P3 known since D+1.
    assert _as_of(fresh_engine, D + timedelta(days=2)) == [
        ("P1", D + timedelta(days=3), D), ("P3", D + timedelta(days=4), D + timedelta(days=1)),
    ]  # fmt: skip
