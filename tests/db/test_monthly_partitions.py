"""Migration 0011: the growing tables become monthly partitions, with their rows, keys, views and
grants; a date's replace touches its month alone; a new month is created when first needed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text

from pipelines.db import migrate
from pipelines.db.partitions import PARTITIONED, ensure_months

BEFORE = "0006_analytics"
DAYS = (date(2026, 10, 30), date(2026, 11, 2))  # two months
SEED = [
    "insert into ref.stores (store_id, name, city, format, latitude, longitude, opening_hours,"
    " manager_name, manager_email) values ('S1', 'Larcomar', 'Lima', 'mall', -12.1, -77.0, '{}',"
    " 'Ana', 'ana@example.pe')",
    "select set_config('nightshift.source_file', 'f.csv', false)",
    "insert into raw.pos_lines (business_date, source_file, ticket_id, line_id, store_id, ts)"
    " values (:d, 'f.csv', 'T-' || :d, '1', 'S1', :d || ' 10:00:00')",
    "insert into raw.door_counts (business_date, source_file, store_id, ts, count)"
    " values (:d, 'f.csv', 'S1', :d || ' 10:00:00', '4')",
    "insert into core.pos_lines (business_date, ticket_id, line_id, store_id, ts_local, ts_utc,"
    " category, product, quantity, unit_price, discount, payment_type, amount) values (:d,"
    " 'T-' || :d, 1, 'S1', :d, :d, 'pan', 'keke', 1, 2.5, 0, 'cash', 2.5)",
    "insert into core.door_counts (business_date, store_id, ts_local, ts_utc, count)"
    " values (:d, 'S1', cast(:d as date) + time '10:00', cast(:d as date) + time '15:00', 4)",
    "insert into forecast.traffic_hourly (run_date, store_id, ts_local, ts_utc, p10, p50, p90,"
    " model_name, model_version) values (:d, 'S1', cast(:d as date) + 1, cast(:d as date) + 1,"
    " 1, 2, 3, 'traffic_rnn', '1')",
    "insert into forecast.sales_daily (run_date, store_id, date, category, prediction,"
    " model_name, model_version)"
    " values (:d, 'S1', cast(:d as date) + 1, 'pan', 9, 'sales_rf', '1')",
    "insert into loyalty.churn_scores (run_date, customer_key, store_id, p_return_30d,"
    " model_version) values (:d, gen_random_uuid(), 'S1', 0.5, '1')",
]

PRIMARY_KEY = (
    "select pg_get_constraintdef(oid) from pg_constraint"
    " where conrelid = 'core.pos_lines'::regclass and contype = 'p'"
)
IDENTITY = (
    "select attidentity from pg_attribute"
    " where attrelid = 'raw.pos_lines'::regclass and attname = 'raw_id'"
)


def _contents(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {
            table: conn.execute(
                text(f"select count(*) || md5(string_agg(t::text, '|' order by t::text))"
                     f" from {table} t")
            ).scalar_one()
            for table in sorted(PARTITIONED)
        }  # fmt: skip


def _kinds(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {t: conn.execute(text("select relkind from pg_class where oid = cast(:t as"
                                     " regclass)"), {"t": t}).scalar_one()
                for t in sorted(PARTITIONED)}  # fmt: skip


@pytest.fixture
def seeded(fresh_engine: Engine) -> Engine:
    migrate.upgrade(fresh_engine, BEFORE)
    with fresh_engine.begin() as conn:
        for statement in SEED[:2]:
            conn.execute(text(statement))
        for day in DAYS:
            for statement in SEED[2:]:
                conn.execute(text(statement), {"d": str(day)})
    return fresh_engine


def test_upgrade_partitions_the_tables_with_their_rows_and_downgrade_restores_them(
    seeded: Engine,
) -> None:
    before = _contents(seeded)
    assert set(_kinds(seeded).values()) == {"r"}
    migrate.upgrade(seeded)
    assert set(_kinds(seeded).values()) == {"p"}
    assert _contents(seeded) == before
    with seeded.connect() as conn:
        partitions = set(conn.execute(text(
            "select inhrelid::regclass::text from pg_inherits"
            " where inhparent = 'core.pos_lines'::regclass")).scalars())  # fmt: skip
        key = conn.execute(text(PRIMARY_KEY)).scalar_one()
        # The views reading these tables were rebuilt, with their comments and grants.
        assert conn.execute(text("select count(*) from analytics.latest_traffic_forecast")).scalar()
        assert conn.execute(text(
            "select obj_description('analytics.latest_traffic_forecast'::regclass, 'pg_class')"
        )).scalar()  # fmt: skip
        assert conn.execute(text(
            "select has_table_privilege('nightshift_analyst', 'analytics.latest_traffic_forecast',"
            " 'select') and has_table_privilege('nightshift_analyst', 'forecast.traffic_hourly',"
            " 'select') and not has_table_privilege('nightshift_analyst', 'loyalty.churn_scores',"
            " 'select')")).scalar()  # fmt: skip
        # raw_id goes on counting where the identity column stopped.
        assert conn.execute(text("select nextval('raw.pos_lines_raw_id_seq')")).scalar() == 3
    assert partitions == {
        "core.pos_lines_202610",
        "core.pos_lines_202611",
        "core.pos_lines_default",
    }
    assert key == "PRIMARY KEY (business_date, ticket_id, line_id)"

    migrate.downgrade(seeded, BEFORE)
    assert set(_kinds(seeded).values()) == {"r"}
    assert _contents(seeded) == before
    with seeded.connect() as conn:
        key = conn.execute(text(PRIMARY_KEY)).scalar_one()
        identity = conn.execute(text(IDENTITY)).scalar_one()
    assert key == "PRIMARY KEY (ticket_id, line_id)" and identity == "d"


def test_a_date_replace_reads_its_month_alone_and_new_months_appear_when_needed(
    seeded: Engine,
) -> None:
    migrate.upgrade(seeded)
    with seeded.connect() as conn:
        plan = "\n".join(conn.execute(text(
            "explain (costs off) delete from core.pos_lines where business_date = '2026-11-02'"
        )).scalars())  # fmt: skip
    assert "pos_lines_202611" in plan and "pos_lines_202610" not in plan, plan
    assert "pos_lines_default" not in plan

    # A row of a month without a partition lands in the default one; asking for the month
    # creates its partition and moves the row there.
    december = date(2026, 12, 5)
    with seeded.begin() as conn:
        conn.execute(text(SEED[4]), {"d": str(december)})
    ensure_months(seeded, ["core.pos_lines", "forecast.traffic_hourly"], [december])
    ensure_months(seeded, ["core.pos_lines"], [december])  # already there: nothing to do
    with seeded.connect() as conn:
        where = conn.execute(text(
            "select tableoid::regclass::text from core.pos_lines where business_date = :d"
        ), {"d": december}).scalars().all()  # fmt: skip
        default_rows = conn.execute(text("select count(*) from core.pos_lines_default")).scalar()
        traffic = conn.execute(
            text("select to_regclass('forecast.traffic_hourly_202612')")
        ).scalar()
    assert where == ["core.pos_lines_202612"] and default_rows == 0 and traffic
