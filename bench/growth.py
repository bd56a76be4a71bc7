"""Growth benchmark: how long replacing one night takes at 1, 2 and 4 years of history.

    .venv/bin/python bench/growth.py [--stores 20] [--lines-per-store-day 600] [--members 20000]
                                      [--years 1 2 4] [--repeat 3]

For each history length, a fresh warehouse (a private embedded PostgreSQL in a temporary data
dir; your .nightshift is untouched) is filled with seeded synthetic history in the tables that
grow every night, vacuumed and analysed, then one night is replaced ``--repeat`` times through
the pipeline's own write paths (the median counts):

  raw.pos_lines, raw.door_counts   raw_load.copy_into_raw (delete the date + COPY)
  core.pos_lines, core.door_counts publish.publish (delete the date + insert from raw)
  forecast.traffic_hourly/sales_daily, loyalty.churn_scores   the stages' delete + insert SQL

It prints each step's time and the ratios to the 1-year run; the goal is flat (<= 1.2x from 1 to
4 years).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

NIGHT = date(2026, 11, 21)  # the business date replaced; history is the years before it
CATEGORIES = [f"cat{i:02d}" for i in range(10)]


def _stores(n: int) -> list[str]:
    return [f"S{i:03d}" for i in range(n)]


def fill_history(engine: Any, args: argparse.Namespace, years: int) -> int:
    """Synthetic history in the growing tables, written in SQL (fast); returns POS lines."""
    from sqlalchemy import text

    from pipelines.db.partitions import PARTITIONED, ensure_months

    first = NIGHT - timedelta(days=365 * years)
    days = [first + timedelta(days=i) for i in range((NIGHT - first).days)]
    ensure_months(engine, PARTITIONED, [*days, NIGHT])
    p = {"first": first, "last": NIGHT - timedelta(days=1), "stores": args.stores,
         "lines": args.lines_per_store_day, "members": args.members}  # fmt: skip
    statements = [
        # A day's POS lines per store, as landed (text) and as published (typed).
        """insert into raw.pos_lines (business_date, source_file, ticket_id, line_id, store_id,
               ts, customer_id, category, product, quantity, unit_price, discount, payment_type,
               amount)
           select d::date, 'history.csv', 'T-' || s || '-' || to_char(d, 'YYYYMMDD') || '-' || l,
                  '1', 'S' || lpad(s::text, 3, '0'), to_char(d + interval '10 hours'
                  + l * interval '1 minute', 'YYYY-MM-DD HH24:MI:SS'),
                  'C' || ((s * 7919 + l) % :members), 'cat0' || (l % 10), 'product ' || (l % 50),
                  '1', '9.90', '0.00', 'cash', '9.90'
           from generate_series(cast(:first as date), cast(:last as date), interval '1 day') d,
                generate_series(0, :stores - 1) s, generate_series(1, :lines) l""",
        """insert into core.pos_lines (business_date, ticket_id, line_id, store_id, ts_local,
               ts_utc, customer_id, category, product, quantity, unit_price, discount,
               payment_type, amount)
           select business_date, ticket_id, 1, store_id, ts::timestamp,
                  ts::timestamp at time zone 'America/Lima', customer_id, category, product, 1,
                  9.90, 0, payment_type, 9.90
           from raw.pos_lines""",
        """insert into raw.door_counts (business_date, source_file, store_id, ts, count)
           select d::date, 'history.csv', 'S' || lpad(s::text, 3, '0'),
                  to_char(d + h * interval '1 hour', 'YYYY-MM-DD HH24:MI:SS'), '42'
           from generate_series(cast(:first as date), cast(:last as date), interval '1 day') d,
                generate_series(0, :stores - 1) s, generate_series(0, 23) h""",
        """insert into core.door_counts (business_date, store_id, ts_local, ts_utc, count)
           select business_date, store_id, ts::timestamp,
                  ts::timestamp at time zone 'America/Lima', 42
           from raw.door_counts""",
        """insert into forecast.traffic_hourly (run_date, store_id, ts_local, ts_utc, p10, p50,
               p90, model_name, model_version)
           select d::date, 'S' || lpad(s::text, 3, '0'), d + interval '1 day' + h * interval
                  '1 hour', d + interval '1 day' + h * interval '1 hour', 1, 2, 3,
                  'traffic_rnn', '1'
           from generate_series(cast(:first as date), cast(:last as date), interval '1 day') d,
                generate_series(0, :stores - 1) s, generate_series(0, 167) h""",
        """insert into forecast.sales_daily (run_date, store_id, date, category, prediction,
               model_name, model_version)
           select d::date, 'S' || lpad(s::text, 3, '0'), (d + k * interval '1 day')::date,
                  'cat0' || c, 100, 'sales_rf', '1'
           from generate_series(cast(:first as date), cast(:last as date), interval '1 day') d,
                generate_series(0, :stores - 1) s, generate_series(1, 14) k,
                generate_series(0, 9) c""",
        """insert into loyalty.churn_scores (run_date, customer_key, store_id, p_return_30d,
               model_version)
           select d::date, md5('C' || m)::uuid, 'S' || lpad((m % :stores)::text, 3, '0'), 0.5, '1'
           from generate_series(cast(:first as date), cast(:last as date), interval '1 day') d,
                generate_series(0, :members - 1) m""",
    ]
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), p)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("vacuum analyze")
    return len(days) * args.stores * args.lines_per_store_day


def _night_exports(args: argparse.Namespace) -> tuple[Any, Any]:
    """The replaced night's POS lines and door counts, parsed as the load step would."""
    from pipelines.ingest.parse import ParsedExport

    rng = np.random.default_rng(7)
    stores = _stores(args.stores)
    n = args.stores * args.lines_per_store_day
    store = np.repeat(stores, args.lines_per_store_day)
    line = np.tile(np.arange(1, args.lines_per_store_day + 1), args.stores)
    pos = pd.DataFrame({
        "ticket_id": [f"T-{s}-{NIGHT:%Y%m%d}-{i}" for s, i in zip(store, line, strict=True)],
        "line_id": "1", "store_id": store,
        "ts": [f"{NIGHT} {10 + i // 60 % 12:02d}:{i % 60:02d}:00" for i in line],
        "customer_id": [f"C{x}" for x in rng.integers(0, args.members, n)],
        "category": rng.choice(CATEGORIES, n), "product": "product", "quantity": "1",
        "unit_price": "9.90", "discount": "0.00", "payment_type": "cash", "amount": "9.90",
    })  # fmt: skip
    doors = pd.DataFrame({
        "store_id": np.repeat(stores, 24),
        "ts": [f"{NIGHT} {h:02d}:00:00" for h in range(24)] * args.stores, "count": "42",
    })  # fmt: skip
    as_text = lambda frame: pa.Table.from_pandas(frame.astype(str), preserve_index=False)  # noqa: E731
    return ParsedExport(as_text(pos)), ParsedExport(as_text(doors))


def replace_night(engine: Any, args: argparse.Namespace) -> dict[str, float]:
    """One night's replace through the pipeline's write paths; seconds per step."""
    from sqlalchemy import text

    from pipelines.db.partitions import ensure_months
    from pipelines.ingest import publish, raw_load
    from pipelines.sources.datasets import DOOR_COUNTS, POS_LINES
    from pipelines.sqlfiles import sql

    pos, doors = _night_exports(args)
    stores = _stores(args.stores)
    traffic = [
        {"run_date": NIGHT, "store_id": s, "ts_local": f"{NIGHT + timedelta(days=1)} 00:00:00",
         "tz": "America/Lima", "p10": 1.0, "p50": 2.0, "p90": 3.0, "model_name": "traffic_rnn",
         "model_version": "2"}
        for s in stores
    ]  # fmt: skip
    traffic = [
        dict(row, ts_local=str(pd.Timestamp(NIGHT) + pd.Timedelta(days=1, hours=h)))
        for row in traffic for h in range(168)
    ]  # fmt: skip
    sales = [
        {"run_date": NIGHT, "store_id": s, "date": NIGHT + timedelta(days=k), "category": c,
         "prediction": 100.0, "model_name": "sales_rf", "model_version": "2"}
        for s in stores for k in range(1, 15) for c in CATEGORIES
    ]  # fmt: skip
    churn = [
        {"run_date": NIGHT, "customer_key": str(uuid.uuid5(uuid.NAMESPACE_OID, f"C{m}")),
         "store_id": stores[m % len(stores)], "p_return_30d": 0.5, "recency_days": None,
         "frequency_90d": None, "monetary_90d": None, "sentiment_mean": None,
         "complaints_90d": None, "model_version": "2"}
        for m in range(args.members)
    ]  # fmt: skip

    def rewrite(delete: str, insert: str, table: str, rows: list[dict[str, Any]]) -> None:
        ensure_months(engine, [table], [NIGHT])
        with engine.begin() as conn:
            conn.execute(sql(delete), {"run_date": NIGHT})
            conn.execute(sql(insert), rows)

    steps: dict[str, Callable[[], Any]] = {
        "raw.pos_lines": lambda: raw_load.copy_into_raw(
            engine, POS_LINES, NIGHT, "night.csv", "sha", pos),
        "raw.door_counts": lambda: raw_load.copy_into_raw(
            engine, DOOR_COUNTS, NIGHT, "night.csv", "sha", doors),
        "core.pos_lines": lambda: publish.publish(engine, POS_LINES, NIGHT, NIGHT, "America/Lima"),
        "core.door_counts": lambda: publish.publish(
            engine, DOOR_COUNTS, NIGHT, NIGHT, "America/Lima"),
        "forecast.traffic_hourly": lambda: rewrite(
            "forecast/traffic_hourly_delete", "forecast/traffic_hourly_insert",
            "forecast.traffic_hourly", traffic),
        "forecast.sales_daily": lambda: rewrite(
            "forecast/sales_daily_delete", "forecast/sales_daily_insert", "forecast.sales_daily",
            sales),
        "loyalty.churn_scores": lambda: rewrite(
            "loyalty/churn_scores_delete", "loyalty/churn_scores_insert", "loyalty.churn_scores",
            churn),
    }  # fmt: skip
    timings = {}
    for name, step in steps.items():
        started = time.perf_counter()
        step()
        timings[name] = time.perf_counter() - started
    with engine.connect() as conn:  # the night really was replaced, once
        count = conn.execute(
            text("select count(*) from core.pos_lines where business_date = :d"), {"d": NIGHT}
        ).scalar_one()
    assert count == args.stores * args.lines_per_store_day, count
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--lines-per-store-day", type=int, default=600)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeat", type=int, default=3, help="replaces of the night (median)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="nsgrowth-"))
    os.environ["NIGHTSHIFT_DATA_DIR"] = str(base / "data")
    from sqlalchemy import create_engine

    from pipelines.db import embedded, migrate
    from pipelines.db.engine import ensure_database, warehouse_url
    from pipelines.settings import get_settings

    settings = get_settings()
    results: dict[int, dict[str, float]] = {}
    try:
        for years in args.years:
            url = warehouse_url(settings).set(database=f"growth_{years}y")
            ensure_database(url)
            engine = create_engine(url, executemany_mode="values_plus_batch",
                                   executemany_batch_page_size=1000)  # fmt: skip
            migrate.upgrade(engine, "head", settings)
            started = time.perf_counter()
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "insert into ref.stores (store_id, name, city, format, latitude, longitude,"
                    " opening_hours, manager_name, manager_email) select s, s, 'Lima', 'mall',"
                    " -12.1, -77.0, '{}', 'Ana', 'ana@example.pe' from unnest(%(s)s::text[]) s",
                    {"s": _stores(args.stores)},
                )
            lines = fill_history(engine, args, years)
            fill_s = time.perf_counter() - started
            runs = [replace_night(engine, args) for _ in range(args.repeat)]
            results[years] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            results[years]["total"] = statistics.median(sum(r.values()) for r in runs)
            print(f"{years} year(s): {lines:,} POS lines of history, filled in {fill_s:.0f} s; "
                  f"replace one night {results[years]['total']:.2f} s", flush=True)  # fmt: skip
            engine.dispose()
    finally:
        embedded.stop(settings.pgdata_dir)
        shutil.rmtree(base, ignore_errors=True)

    first = args.years[0]
    print(f"\n{args.stores} stores, {args.lines_per_store_day} POS lines per"
          f" store and day, {args.members:,} members; median of {args.repeat}")  # fmt: skip
    header = "step".ljust(26) + "".join(f"{y} y (s)".rjust(10) for y in args.years)
    header += "".join(f"{y}y/{first}y".rjust(9) for y in args.years[1:])
    print(header)
    for step in results[first]:
        row = step.ljust(26) + "".join(f"{results[y][step]:10.3f}" for y in args.years)
        row += "".join(f"{results[y][step] / results[first][step]:8.2f}x" for y in args.years[1:])
        print(row)


if __name__ == "__main__":
    main()
