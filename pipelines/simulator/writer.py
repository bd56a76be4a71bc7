"""Files on disk: the landing layout, CSV/Parquet/JSONL encoding, defects at the byte level."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from pipelines.simulator.defects import DefectLog, inject_rows, mark_to_bytes, truncate

# Everything a run writes; only these are removed when re-running into the same directory.
OWNED = ("pos", "promotions", "reviews", "weather", "stores.csv", "customers.csv", "manifest.json")
FILE_STREAMS = {
    "transactions": 11,
    "door_counts": 12,
    "staffing": 13,
    "promotions": 14,
    "reviews": 15,
    "product_costs": 16,
}
MONEY_COLUMNS = ("unit_price", "discount", "amount", "unit_cost")
REVIEW_COLUMNS = ("review_id", "store_id", "customer_id", "ts", "rating", "language", "text")
REVIEW_SCHEMA = pa.schema(
    [
        ("review_id", pa.string()),
        ("store_id", pa.string()),
        ("customer_id", pa.string()),
        ("ts", pa.string()),
        ("rating", pa.int64()),
        ("language", pa.string()),
        ("text", pa.string()),
    ]
)


def clear_previous_run(out: Path) -> None:
    """Remove what an earlier run wrote here, so files never mix two runs."""
    for name in OWNED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def _csv_bytes(table: pa.Table) -> bytes:
    # Money as decimal(12,2) so CSV shows "3.50", not "3.5".
    for name in MONEY_COLUMNS:
        if name in table.column_names:
            index = table.column_names.index(name)
            money = pc.cast(pc.round(table.column(name), 2), pa.decimal128(12, 2))
            table = table.set_column(index, name, money)
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer)
    return buffer.getvalue()


def _parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def reviews_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=REVIEW_SCHEMA)


def _jsonl_bytes(table: pa.Table) -> bytes:
    lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in table.to_pylist()]
    return "".join(lines).encode("utf-8")


class LandingWriter:
    """Writes one run's files under ``out`` and keeps count of them."""

    def __init__(self, out: Path, file_format: str, defect_rate: float, seed: int) -> None:
        self.out = out
        self.format = file_format
        self.defect_rate = defect_rate
        self.seed = seed
        self.defects = DefectLog()
        self.files = 0
        self.rows: dict[str, int] = {}

    def _write(self, relative: str, data: bytes) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1

    def write_master(self, name: str, kind: str, frame: pd.DataFrame) -> None:
        """stores.csv, customers.csv, weather/hourly.csv: always CSV, never defective."""
        table = pa.Table.from_pandas(frame, preserve_index=False)
        self._write(name, _csv_bytes(table))
        self.rows[kind] = table.num_rows

    def write_day(self, day_key: str, kind: str, folder: str, table: pa.Table) -> None:
        """A per-date file: pos/<date>/transactions.csv, reviews/<date>/reviews.jsonl, ..."""
        stream = FILE_STREAMS[kind]
        rng = np.random.default_rng([self.seed, int(day_key.replace("-", "")), stream])
        parquet = self.format == "parquet" and kind != "reviews"
        table = inject_rows(table, kind, self.defect_rate, parquet, rng, self.defects)
        if kind == "reviews":
            data, suffix = _jsonl_bytes(table), "jsonl"
        elif parquet:
            data, suffix = _parquet_bytes(table), "parquet"
        else:
            data, suffix = _csv_bytes(table), "csv"
        if not parquet:
            data = mark_to_bytes(data)
        relative = f"{folder}/{day_key}/{kind}.{suffix}"
        if self.defect_rate > 0 and rng.random() < self.defect_rate:
            cut = truncate(data, rng)
            if cut is not None:
                data = cut
                self.defects.truncated_files.append(relative)
        self._write(relative, data)
        self.rows[kind] = self.rows.get(kind, 0) + table.num_rows

    def write_manifest(self, manifest: dict) -> None:
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (self.out / "manifest.json").write_text(text, encoding="utf-8")
