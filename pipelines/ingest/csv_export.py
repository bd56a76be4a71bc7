"""Parse a CSV export that may be hostile: no single bad row (or byte) may sink the load.

The clean case (UTF-8, ``\\n`` line ends, the contract's header, every row well formed) keeps
the file's own bytes, which COPY then takes as they are. Anything else goes the careful way:

* a byte-order mark is dropped (UTF-8) or the file is transcoded (UTF-16/32, by its BOM);
* the header is matched by name: reordered columns are put in contract order, extra columns
  ignored, missing ones loaded as empty (the gate then rejects the rows that need them);
* a NUL byte or a broken encoding rejects exactly its row, even inside a quoted multi-line
  field, and never its neighbours (undecodable bytes are carried through the CSV reader as
  NUL-flagged markers, then spelled out as \\xNN in quarantine);
* a row with too many or too few fields (a truncated last line) is rejected with the counts;
* fields of any size are read (the block size grows when a field outgrows it).

Every rejected row is returned with a reason and its text, for quarantine. What cannot be read
at all (not text, no recognisable header) raises UnreadableExport, for the whole file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines.errors import ValidationFailed

NUL_REASON = "contains a NUL byte, which PostgreSQL text cannot store"
ENCODING_REASON = "invalid UTF-8 (broken encoding)"
BLOCK_SIZE = 1 << 20  # pyarrow's default; raised when one row does not fit
# Byte-order marks of encodings other than UTF-8 that a whole file may come in.
_TRANSCODED_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip


class UnreadableExport(ValidationFailed):
    """An export that cannot be read as a whole: its source fails, nothing is published."""


@dataclass
class CsvRows:
    table: pa.Table  # text columns in contract order
    rejected: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    clean: bytes | None = None  # the file's bytes, when COPY can take them as they are
    notes: list[str] = field(default_factory=list)  # header repairs, said once per file


def parse(data: bytes, names: tuple[str, ...], keys: tuple[str, ...] = ()) -> CsvRows:
    """``keys``: the columns that identify a row; an export without them is not this
    dataset's (default: at least one contract column)."""
    data, notes = without_bom(data)
    if not data.strip():
        return CsvRows(_empty(names), notes=[*notes, "empty file: no rows"])
    columns = _header(data, names, keys)
    notes += _header_notes(columns, names)
    storable = _storable(data)
    if not storable:
        data = data.decode("utf-8", errors=_MARKER_HANDLER).encode("utf-8")
    plain = _plain(data)
    # pyarrow splits a file into blocks at line ends it finds by tracking quotes; a stray quote
    # (or a NUL) can make it split inside a row and merge rows. Such files are read whole.
    rows = _read(data, columns, single_block=not (plain and storable))
    rows.table = _ordered(rows.table, names)
    if storable:
        # COPY may take the bytes only where its CSV reading cannot differ from pyarrow's.
        if not notes and columns == list(names) and not rows.rejected and plain:
            rows.clean = data
    else:  # rows holding what PostgreSQL text cannot (NUL, broken bytes) go, one by one
        rows.table, bad = _without_unstorable(rows.table)
        rows.rejected += bad
    rows.notes = notes
    return rows


# An undecodable byte b becomes NUL, SOH, chr(0xF700 + b): valid UTF-8 for the CSV reader, and a
# NUL, so its row is rejected like any row with a NUL; the reason then says which it was.
_BROKEN = "\x00\x01"
_BROKEN_BYTE = re.compile("\x00\x01([\uf780-\uf7ff])")
_MARKER_HANDLER = "nightshift-broken-byte"


def _mark_broken(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(_BROKEN + chr(0xF700 + byte) for byte in bad), error.end


codecs.register_error(_MARKER_HANDLER, _mark_broken)


def without_bom(data: bytes) -> tuple[bytes, list[str]]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], ["UTF-8 byte-order mark dropped"]
    for bom, encoding in _TRANSCODED_BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UnreadableExport(f"not readable as {encoding.upper()}: {error}") from None
            return text.lstrip("\ufeff").encode("utf-8"), [f"transcoded from {encoding.upper()}"]
    return data, []


def _header(data: bytes, names: tuple[str, ...], keys: tuple[str, ...]) -> list[str]:
    """The header's column names; UnreadableExport if it is not one of ours."""
    line = data.split(b"\n", 1)[0].replace(b"\x00", b"").rstrip(b"\r")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableExport(
            f"the header line is not UTF-8 text ({line[:80]!r}): not a CSV export"
        ) from None
    columns = [c.strip() for c in next(csv.reader([text]), [])]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise UnreadableExport(f"the header names columns more than once: {duplicated}")
    if not set(columns) & set(names):
        raise UnreadableExport(
            f"the header {columns[:20]} shares no column with the contract {list(names)}: "
            "not this dataset's export"
        )
    if lacking := [k for k in keys if k not in columns]:
        raise UnreadableExport(
            f"the header {columns[:20]} lacks the key columns {lacking}: not this dataset's export"
        )
    return columns


def _header_notes(columns: list[str], names: tuple[str, ...]) -> list[str]:
    notes = []
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if missing:
        notes.append(f"columns missing from the export, loaded as empty: {missing}")
    if extra:
        notes.append(f"columns not in the contract, ignored: {extra}")
    if not missing and not extra and columns != list(names):
        notes.append("columns in another order, matched by name")
    return notes


def _storable(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _plain(data: bytes) -> bool:
    """Whether the file is RFC 4180 with \\n line ends: quotes only around whole fields (and
    doubled inside them). pyarrow and PostgreSQL's COPY read such a file alike; a stray quote
    (ab"c) they read differently, so such a file is re-written from pyarrow's reading first.

    Vectorised: the k-th quote opens a quoted field when k is even (it must start a field, or
    follow the quote before it: a doubled quote) and closes it when k is odd (it must end a
    field, or precede the next quote)."""
    if b"\r" in data:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    if len(quotes) % 2:
        return False
    if not len(quotes):
        return True
    boundary = np.zeros(256, dtype=bool)
    boundary[[ord(","), ord("\n")]] = True
    padded = np.full(len(raw) + 2, ord("\n"), dtype=np.uint8)  # file edges count as line ends
    padded[1:-1] = raw
    before, after = padded[quotes], padded[quotes + 2]
    opens_ok = boundary[before[0::2]] | (before[0::2] == ord('"'))
    closes_ok = boundary[after[1::2]] | (after[1::2] == ord('"'))
    # A quote that reopens right after a closing one must be that doubled quote's second half.
    reopening = np.flatnonzero(before[0::2] == ord('"')) * 2
    doubled = quotes[reopening] - quotes[reopening - 1] == 1
    return bool(opens_ok.all() and closes_ok.all() and doubled.all())


def _ordered(table: pa.Table, names: tuple[str, ...]) -> pa.Table:
    """Contract order; a column the export lacks is all NULL."""
    return pa.table(
        {
            n: table[n] if n in table.column_names else pa.nulls(table.num_rows, pa.string())
            for n in names
        }
    )


def _read(data: bytes, columns: list[str], single_block: bool) -> CsvRows:
    rejected: list[tuple[str, dict[str, Any]]] = []

    def on_invalid_row(row: Any) -> str:
        reason = (
            f"malformed CSV row: expected {row.expected_columns} fields, got {row.actual_columns}"
        )
        rejected.append((reason, {"line": row.number, "text": _printable(row.text)}))
        return "skip"

    block = len(data) + 1 if single_block else BLOCK_SIZE
    while True:
        rejected.clear()
        try:
            table = pacsv.read_csv(
                io.BytesIO(data),
                read_options=pacsv.ReadOptions(column_names=columns, skip_rows=1, block_size=block),
                parse_options=pacsv.ParseOptions(
                    invalid_row_handler=on_invalid_row, newlines_in_values=True
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(columns, pa.string()),
                    strings_can_be_null=True,
                    null_values=[""],
                ),
            )
        except pa.ArrowInvalid as error:
            # One row (a 1 MB field) bigger than a block: read again in bigger blocks.
            if "straddl" in str(error) and block < len(data):
                block = min(block * 8, len(data) + 1)
                continue
            raise UnreadableExport(f"not readable as CSV: {error}") from None
        return CsvRows(table, list(rejected))


def _without_unstorable(table: pa.Table) -> tuple[pa.Table, list[tuple[str, dict[str, Any]]]]:
    """The rows holding a NUL (or a broken byte's marker) taken out, each with its reason."""
    flagged = pa.array(np.zeros(table.num_rows, dtype=bool))
    for column in table.columns:
        flagged = pc.or_(flagged, pc.fill_null(pc.match_substring(column, "\x00"), False))
    if not pc.any(flagged).as_py():
        return table, []
    rejected = []
    for index, row in zip(np.flatnonzero(flagged), table.filter(flagged).to_pylist(), strict=True):
        text = ",".join(value or "" for value in row.values())
        reason = ENCODING_REASON if _BROKEN_BYTE.search(text) else NUL_REASON
        rejected.append((reason, {"row": int(index) + 1, "text": _printable(text)}))
    return table.filter(pc.invert(flagged)), rejected


def _printable(text: str) -> str:
    """A rejected row as quarantine.*.original (jsonb) can hold it: broken bytes as \\xNN,
    NUL as \\u0000."""
    text = _BROKEN_BYTE.sub(lambda m: f"\\x{ord(m.group(1)) - 0xF700:02x}", text)
    return text.replace("\x00", "\\u0000").rstrip("\r\n")


def _empty(names: tuple[str, ...]) -> pa.Table:
    return pa.table({n: pa.array([], type=pa.string()) for n in names})
