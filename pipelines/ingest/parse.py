"""Parse a staged export into an all-text Arrow table plus the lines that could not be parsed.

Everything stays text here: typing is the gate's job, so a bad value is quarantined with the
row it came in, never lost. Unparseable rows (NUL bytes, broken encodings, truncated lines,
wrong field counts, bad JSON) are returned separately with a reason; only a file that cannot be
read at all raises UnreadableExport (see ``csv_export`` for CSV).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.errors import NightshiftError
from pipelines.ingest import csv_export
from pipelines.ingest.csv_export import UnreadableExport


@dataclass
class ParsedExport:
    table: pa.Table
    rejected: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (reason, original)
    # The export's own bytes when they are a clean CSV in contract order: COPY takes them as-is.
    clean_csv: bytes | None = None
    notes: list[str] = field(default_factory=list)  # what was repaired, said once per file

    @property
    def rows_read(self) -> int:
        return self.table.num_rows + len(self.rejected)


def _text_table(columns: dict[str, list[Any]], names: tuple[str, ...]) -> pa.Table:
    return pa.table({n: pa.array(columns.get(n, []), type=pa.string()) for n in names})


def parse_csv(data: bytes, names: tuple[str, ...], keys: tuple[str, ...] = ()) -> ParsedExport:
    """See ``csv_export``: bad rows are rejected one by one, never the whole file."""
    rows = csv_export.parse(data, names, keys)
    return ParsedExport(rows.table, rows.rejected, rows.clean, rows.notes)


def parse_parquet(path: Path, names: tuple[str, ...]) -> ParsedExport:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise UnreadableExport(f"not readable as Parquet: {error}") from None
    present = [n for n in names if n in table.column_names]
    if not present:
        raise UnreadableExport(
            f"its columns {table.column_names[:20]} share none with the contract {list(names)}"
        )
    notes = []
    if missing := [n for n in names if n not in present]:
        notes.append(f"columns missing from the export, loaded as empty: {missing}")
    try:
        text = {n: table[n].cast(pa.string()) for n in present}
    except pa.ArrowException as error:
        raise UnreadableExport(f"a column cannot be read as text: {error}") from None
    columns: dict[str, list[Any]] = {n: [] for n in names}
    rejected: list[tuple[str, dict[str, Any]]] = []
    # NUL is the one character Parquet strings hold and PostgreSQL text does not.
    has_nul = any(pc.any(pc.match_substring(text[n], "\x00")).as_py() for n in present)
    if not has_nul:
        return ParsedExport(pa.table({n: text.get(n, pa.nulls(table.num_rows, pa.string()))
                                      for n in names}), notes=notes)  # fmt: skip
    values = {n: text[n].to_pylist() for n in present}
    for index in range(table.num_rows):
        record = {n: values[n][index] for n in present}
        reason = _unstorable(record, names)
        if reason:
            original = {"row": index + 1, "text": _quarantine_text(json.dumps(record).encode())}
            rejected.append((reason, original))
            continue
        for n in names:
            columns[n].append(record.get(n))
    return ParsedExport(_text_table(columns, names), rejected, notes=notes)


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
    data, notes = csv_export.without_bom(data)
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
    return ParsedExport(_text_table(columns, names), rejected, notes=notes)


def parse_file(
    path: Path, fmt: str, names: tuple[str, ...], keys: tuple[str, ...] = ()
) -> ParsedExport:
    """``keys``: columns a CSV export must have to be this dataset's (see csv_export)."""
    if fmt == "csv":
        return parse_csv(path.read_bytes(), names, keys)
    if fmt == "parquet":
        return parse_parquet(path, names)
    if fmt == "jsonl":
        return parse_jsonl(path.read_bytes(), names)
    if fmt == "json":
        from pipelines.sources.weather_api import rows_from_payload

        try:
            payload = json.loads(path.read_bytes())
        except (UnicodeDecodeError, ValueError) as error:
            raise UnreadableExport(f"not readable as JSON: {error}") from None
        return ParsedExport(_text_table(rows_from_payload(payload), names))
    raise NightshiftError(f"unsupported export format {fmt!r}")
