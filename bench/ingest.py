"""Ingestion benchmark: 1M POS lines through load (COPY) and the GX gate, against psql \\copy.

    .venv/bin/python bench/ingest.py [--lines 1000000] [--stores 20]

Runs on a private embedded PostgreSQL in a temporary data dir (your .nightshift is untouched).
Prints a table and the ratios the targets are stated in (bench/README.md):
  load throughput >= 0.7 x psql \\copy throughput; GX validation of 1M rows <= 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

DAY = date(2026, 11, 21)


def write_exports(landing: Path, lines: int, stores: int, seed: int = 0) -> Path:
    """A contract-shaped transactions file of ``lines`` rows for DAY (vectorised, ~seconds)."""
    rng = np.random.default_rng(seed)
    store_ids = [f"BEN-{i:03d}" for i in range(stores)]
    pd.DataFrame(
        {
            "store_id": store_ids,
            "name": store_ids,
            "city": "Lima",
            "district": "Miraflores",
            "format": "mall",
            "latitude": -12.12,
            "longitude": -77.03,
            "timezone": "America/Lima",
            "opening_hours": '{"1": {"open": "09:00", "close": "23:00"}}',
            "manager_name": "Bench",
            "manager_email": "bench@example.pe",
            "size_sqm": 500,
            "opened_on": "2020-01-01",
        }
    ).to_csv(landing / "stores.csv", index=False)
    tickets = lines // 2
    ticket = np.repeat(np.arange(tickets), 2)[:lines]
    seconds = rng.integers(9 * 3600, 23 * 3600, size=tickets)[ticket]
    midnight = pd.Timestamp(datetime.combine(DAY, datetime.min.time()))
    members = np.char.add("C", (ticket % 50_000).astype(str))
    quantity = rng.integers(1, 5, size=lines)
    price = rng.integers(100, 5000, size=lines) / 100
    frame = pd.DataFrame(
        {
            "ticket_id": np.char.add("T", ticket.astype(str)),
            "line_id": np.tile([1, 2], tickets + 1)[:lines],
            "store_id": np.array(store_ids)[ticket % stores],
            "ts": (midnight + pd.to_timedelta(seconds, unit="s")).strftime("%Y-%m-%d %H:%M:%S"),
            "customer_id": np.where(rng.random(lines) < 0.4, members, ""),
            "category": rng.choice(["bebidas", "abarrotes", "snacks", "limpieza"], size=lines),
            "product": "Producto genérico",
            "quantity": quantity,
            "unit_price": price,
            "discount": 0.0,
            "payment_type": rng.choice(["cash", "card", "yape", "plin"], size=lines),
            "amount": np.round(quantity * price, 2),
        }
    )  # fmt: skip
    path = landing / "pos" / DAY.isoformat() / "transactions.csv"
    path.parent.mkdir(parents=True)
    frame.to_csv(path, index=False, float_format="%.2f")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="load/\\copy pairs (median)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="nsbench-"))
    os.environ["NIGHTSHIFT_DATA_DIR"] = str(base / "data")
    from sqlalchemy import text

    from pipelines.db import embedded
    from pipelines.ingest import gate, publish, raw_load
    from pipelines.ingest.parse import parse_file
    from pipelines.ingest.reference import load_stores
    from pipelines.settings import get_settings
    from pipelines.sources.datasets import POS_LINES
    from pipelines.warehouse import warehouse

    settings = get_settings()
    try:
        engine = warehouse(settings)
        landing = base / "landing"
        landing.mkdir()
        started = time.perf_counter()
        csv_path = write_exports(landing, args.lines, args.stores)
        generate_s = time.perf_counter() - started
        load_stores(engine, str(landing))
        size_mb = csv_path.stat().st_size / 1e6

        timings: dict[str, float] = {}
        columns = ", ".join(POS_LINES.columns)
        with engine.begin() as conn:
            # The reference: psql \\copy into a table of the same shape (columns, defaults,
            # identity, indexes) as raw.pos_lines.
            conn.execute(
                text(
                    "create table public.bench_copy (like raw.pos_lines including defaults"
                    " including identity including indexes)"
                )
            )
        libpq = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        loads, copies = [], []
        for repeat in range(args.repeat):  # alternate, so load noise hits both alike
            started = time.perf_counter()
            parsed = parse_file(csv_path, "csv", POS_LINES.columns)
            day = DAY - timedelta(days=repeat + 1)  # a fresh date: no delete of earlier rows
            raw_load.copy_into_raw(engine, POS_LINES, day, str(csv_path), "bench", parsed)
            loads.append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run(
                [str(embedded.psql_executable()), libpq,
                 "-c", f"set nightshift.business_date = '{day}'",
                 "-c", "set nightshift.source_file = 'bench'",
                 "-c", f"\\copy public.bench_copy ({columns}) from '{csv_path}'"
                       " with (format csv, header true)"],
                check=True, capture_output=True,
            )  # fmt: skip
            copies.append(time.perf_counter() - started)
        timings["load (parse + COPY into raw), median"] = statistics.median(loads)
        timings["psql \\copy, same file, same table shape, median"] = statistics.median(copies)
        raw_load.copy_into_raw(
            engine,
            POS_LINES,
            DAY,
            str(csv_path),
            "bench",
            parse_file(csv_path, "csv", POS_LINES.columns),
        )

        started = time.perf_counter()
        result = gate.check(engine, POS_LINES, DAY, DAY, 0.2, (0.3, 3.0))
        timings["gate (read raw + GX validation + quarantine)"] = time.perf_counter() - started
        assert result.rows == args.lines and result.rows_quarantined == 0, result

        started = time.perf_counter()
        published = publish.publish(engine, POS_LINES, DAY, DAY, settings.timezone)
        timings["publish (raw -> core, one transaction)"] = time.perf_counter() - started
        assert published == args.lines
    finally:
        embedded.stop(settings.pgdata_dir)
        shutil.rmtree(base, ignore_errors=True)

    print(f"\n{args.lines:,} POS lines ({size_mb:.0f} MB CSV, generated in {generate_s:.1f} s)")
    print(f"{'step':<48} {'seconds':>8} {'lines/s':>12}")
    for step, seconds in timings.items():
        print(f"{step:<48} {seconds:8.2f} {args.lines / seconds:12,.0f}")
    copy_s = timings["psql \\copy, same file, same table shape, median"]
    load_s = timings["load (parse + COPY into raw), median"]
    print(f"\nload throughput / \\copy throughput = {copy_s / load_s:.2f}  (target >= 0.70)")
    gate_s = timings["gate (read raw + GX validation + quarantine)"]
    print(f"GX gate on {args.lines:,} rows = {gate_s:.1f} s  (target <= 20 s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
