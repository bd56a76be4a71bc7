"""Realistic faults in the nightly files, injected at a chosen rate (pure: tables in, tables out).

With rate F, about F of the rows of each per-date file get one defect, spread evenly over the
kinds that make sense for that file, and each file is truncated mid-line with probability F.
Text that should carry invalid bytes is marked with ``INVALID_BYTES_MARK`` before each non-ASCII
character; the writer turns the marked characters into Latin-1 bytes (CSV/JSONL) or U+FFFD
(Parquet, which cannot hold invalid UTF-8).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

INVALID_BYTES_MARK = "\ue000"
_MARKED = re.compile(rb"\xee\x80\x80([\xc2-\xf4][\x80-\xbf]+)")
UNKNOWN_STORE_IDS = ("LIM-XXX-99", "TEST-STORE", "CUS-ZZZ-07", "PIU-NEW-01", "000000")
KINDS_BY_FILE = {
    "transactions": (
        "duplicate_ticket",
        "negative_quantity",
        "malformed_timestamp",
        "unknown_store_id",
        "null_amount",
        "broken_encoding",
        "future_date",
    ),
    "door_counts": ("malformed_timestamp", "unknown_store_id", "future_date"),
    "staffing": ("malformed_timestamp", "unknown_store_id", "future_date"),
    "promotions": ("malformed_timestamp", "unknown_store_id"),
    "product_costs": ("missing_cost",),
    "reviews": ("malformed_timestamp", "unknown_store_id", "future_date", "broken_encoding"),
}
TEXT_FIELD = {"transactions": "product", "reviews": "text"}
TIME_FIELD = {"promotions": "date"}


@dataclass
class DefectLog:
    counts: Counter[str] = field(default_factory=Counter)
    truncated_files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        kinds = sorted({k for kinds in KINDS_BY_FILE.values() for k in kinds})
        result = {kind: int(self.counts[kind]) for kind in kinds}
        result["truncated_file"] = len(self.truncated_files)
        return result


def malformed_timestamp(value: str, rng: np.random.Generator) -> str:
    """Plausible ways an export mangles 'YYYY-MM-DD HH:MM:SS' (or a bare date)."""
    date_part, _, time_part = value.partition(" ")
    year, month, day = date_part.split("-")
    variants = [
        f"{day}/{month}/{year}" + (f" {time_part}" if time_part else ""),
        f"{year}-{int(month) + 12}-{day}" + (f" {time_part}" if time_part else ""),
        f"{month}/{day}/{year}" + (f" {time_part[:5]} PM" if time_part else ""),
        f"{year}{month}{day}T{time_part.replace(':', '')}" if time_part else f"{year}-{month}",
    ]
    return variants[int(rng.integers(len(variants)))]


def future_timestamp(value: str, rng: np.random.Generator) -> str:
    """The same moment some years ahead (a device clock gone wrong)."""
    year = int(value[:4]) + int(rng.integers(3, 9))
    shifted = f"{year}{value[4:]}"
    return shifted.replace("-02-29", "-02-28")


def mojibake(text: str, rng: np.random.Generator, parquet: bool) -> str:
    """UTF-8 read as Windows-1252 ("PiÃ±a"), or raw Latin-1 bytes marked for the writer."""
    if rng.random() < 0.5:
        return text.encode("utf-8").decode("cp1252", errors="replace")
    if parquet:
        return "".join(ch if ch.isascii() else "\ufffd" for ch in text)
    return "".join(ch if ch.isascii() else INVALID_BYTES_MARK + ch for ch in text)


def mark_to_bytes(data: bytes) -> bytes:
    """Turn every marked character into its Latin-1 byte: invalid UTF-8, like a bad export."""
    return _MARKED.sub(lambda m: m.group(1).decode("utf-8").encode("latin-1", "replace"), data)


def inject_rows(
    table: pa.Table,
    file_kind: str,
    rate: float,
    parquet: bool,
    rng: np.random.Generator,
    log: DefectLog,
) -> pa.Table:
    """Row-level defects for one per-date table (reviews come as a table too).

    Only the columns a defect touches are converted to Python objects: this runs every night
    on every file, so it must stay cheap.
    """
    if rate <= 0 or table.num_rows == 0:
        return table
    kinds = KINDS_BY_FILE[file_kind]
    hit = np.flatnonzero(rng.random(table.num_rows) < rate)
    kind_of = rng.integers(0, len(kinds), len(hit))
    rows = {kind: hit[kind_of == k] for k, kind in enumerate(kinds)}
    columns: dict[str, np.ndarray] = {}

    def column(name: str) -> np.ndarray:
        if name not in columns:
            columns[name] = table.column(name).to_numpy(zero_copy_only=False).copy()
        return columns[name]

    time_field = TIME_FIELD.get(file_kind, "ts")
    for kind, where in rows.items():
        if len(where) == 0 or kind == "duplicate_ticket":
            continue
        if kind == "negative_quantity":
            column("quantity")[where] = -np.abs(column("quantity")[where])
        elif kind == "malformed_timestamp":
            values = column(time_field)
            values[where] = [malformed_timestamp(values[i], rng) for i in where]
        elif kind == "future_date":
            values = column(time_field)
            values[where] = [future_timestamp(values[i], rng) for i in where]
        elif kind == "unknown_store_id":
            column("store_id")[where] = rng.choice(np.array(UNKNOWN_STORE_IDS, object), len(where))
        elif kind == "null_amount":
            column("amount")[where] = np.nan  # becomes NULL below
        elif kind == "missing_cost":
            column("unit_cost")[where] = np.nan  # a product the buyers never costed
        elif kind == "broken_encoding":
            field_name = TEXT_FIELD[file_kind]
            accented = ~np.asarray(pc.string_is_ascii(table.column(field_name)).to_numpy(False))
            candidates = np.flatnonzero(accented)
            if len(candidates) == 0:
                continue
            where = rng.choice(candidates, min(len(where), len(candidates)), replace=False)
            values = column(field_name)
            values[where] = [mojibake(values[i], rng, parquet) for i in where]
        log.counts[kind] += len(where)

    for name, values in columns.items():
        index = table.column_names.index(name)
        kind_type = table.schema.field(name).type
        array = pa.array(values, kind_type, from_pandas=name in ("amount", "unit_cost"))
        table = table.set_column(index, name, array)
    if len(rows.get("duplicate_ticket", ())):
        table, tickets = _duplicate_tickets(table, rows["duplicate_ticket"])
        log.counts["duplicate_ticket"] += tickets
    return table


def _duplicate_tickets(table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, int]:
    """Append every line of the chosen rows' tickets again (a re-sent ticket)."""
    tickets = table.column("ticket_id")
    wanted = pa.array(np.unique(tickets.take(pa.array(rows)).to_numpy(zero_copy_only=False)))
    repeat = pc.indices_nonzero(pc.is_in(tickets, value_set=wanted))
    return pa.concat_tables([table, table.take(repeat)]), len(wanted)


def truncate(data: bytes, rng: np.random.Generator) -> bytes | None:
    """Cut a file mid-line in its second half (an interrupted upload); None if it is too small.

    The first line (a CSV header) always survives.
    """
    first_line_end = data.find(b"\n") + 1
    low = max(first_line_end + 1, len(data) // 2)
    if low >= len(data):
        return None
    for _ in range(20):
        cut = int(rng.integers(low, len(data)))
        if data[cut - 1 : cut] != b"\n":
            return data[:cut]
    return None
