"""Parse a staged export into an all-text Arrow table plus the lines that could not be parsed.

Everything stays text here: typing is the gate's job, so a bad value is quarantined with the
row it came in, never lost. Unparseable lines (broken encodings, truncated files, bad JSON) are
returned separately with a reason.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines.errors import NightshiftError


@dataclass
class ParsedExport:
    table: pa.Table
    rejected: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (reason, original)
    # The export's own bytes when they are a clean CSV in contract order: COPY takes them as-is.
    clean_csv: bytes | None = None

    @property
    def rows_read(self) -> int:
        return self.table.num_rows + len(self.rejected)


def _text_table(columns: dict[str, list[Any]], names: tuple[str, ...]) -> pa.Table:
    return pa.table({n: pa.array(columns.get(n, []), type=pa.string()) for n in names})


def _split_unstorable(data: bytes) -> tuple[bytes, list[tuple[str, dict[str, Any]]]]:
    """Drop lines that cannot be stored as PostgreSQL text (not UTF-8, or holding a NUL byte),
    keeping a record of each: COPY would otherwise fail the whole load on one of them."""
    kept, rejected = [], []
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        reason = None
        if b"\x00" in line:
            reason = "contains a NUL byte, which PostgreSQL text cannot store"
        else:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                reason = "invalid UTF-8 (broken encoding)"
        if reason is None:
            kept.append(line)
        else:
            text = _quarantine_text(line).rstrip("\r\n")
            rejected.append((reason, {"line": number, "text": text}))
    return b"".join(kept), rejected


def parse_csv(data: bytes, names: tuple[str, ...]) -> ParsedExport:
    rejected: list[tuple[str, dict[str, Any]]] = []
    try:
        data.decode("utf-8")
        unstorable = b"\x00" in data
    except UnicodeDecodeError:
        unstorable = True
    if unstorable:
        data, rejected = _split_unstorable(data)

    def on_invalid_row(row: Any) -> str:
        reason = (
            f"malformed CSV row: expected {row.expected_columns} fields, got {row.actual_columns}"
        )
        rejected.append((reason, {"line": row.number, "text": row.text}))
        return "skip"

    header = data.split(b"\n", 1)[0].decode("utf-8").strip().split(",")
    if tuple(h.strip('"') for h in header) != names:
        raise NightshiftError(f"export columns {header} do not match the contract {list(names)}")
    table = pacsv.read_csv(
        io.BytesIO(data),
        parse_options=pacsv.ParseOptions(
            invalid_row_handler=on_invalid_row, newlines_in_values=True
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return ParsedExport(table.select(list(names)), rejected, None if rejected else data)


def parse_parquet(path: Path, names: tuple[str, ...]) -> ParsedExport:
    table = pq.read_table(path)
    missing = [n for n in names if n not in table.column_names]
    if missing:
        raise NightshiftError(f"parquet export {path.name} lacks columns {missing}")
    return ParsedExport(
        pa.table({n: table[n].cast(pa.string()) for n in names}),
    )


def _quarantine_text(line: bytes) -> str:
    """The line as text for quarantine.*.original, which is jsonb: it cannot hold U+0000 (nor
    undecodable bytes), so both are spelled out."""
    return line.decode("utf-8", errors="backslashreplace").replace("\x00", "\\u0000")


def _unstorable(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """Why a JSON record's values cannot be PostgreSQL text, or None. JSON can escape a NUL
    (\\u0000) or half a surrogate pair (\\ud800); COPY would fail the whole load on either."""
    for n in names:
        value = record.get(n)
        if value is None:
            continue
        value = str(value)
        if "\x00" in value:
            return f"{n} contains a NUL character (\\u0000), which PostgreSQL text cannot store"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{n} is not valid Unicode (an unpaired surrogate escape such as \\ud800)"
    return None


def parse_jsonl(data: bytes, names: tuple[str, ...]) -> ParsedExport:
    columns: dict[str, list[Any]] = {n: [] for n in names}
    rejected: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except (UnicodeDecodeError, ValueError) as error:
            original = {"line": number, "text": _quarantine_text(line)}
            rejected.append((f"unreadable JSON line: {error}", original))
            continue
        reason = _unstorable(record, names)
        if reason:
            rejected.append((reason, {"line": number, "text": _quarantine_text(line)}))
            continue
        for n in names:
            value = record.get(n)
            columns[n].append(None if value is None else str(value))
    return ParsedExport(_text_table(columns, names), rejected)


def parse_file(path: Path, fmt: str, names: tuple[str, ...]) -> ParsedExport:
    if fmt == "csv":
        return parse_csv(path.read_bytes(), names)
    if fmt == "parquet":
        return parse_parquet(path, names)
    if fmt == "jsonl":
        return parse_jsonl(path.read_bytes(), names)
    if fmt == "json":
        from pipelines.sources.weather_api import rows_from_payload

        return ParsedExport(_text_table(rows_from_payload(json.loads(path.read_bytes())), names))
    raise NightshiftError(f"unsupported export format {fmt!r}")
