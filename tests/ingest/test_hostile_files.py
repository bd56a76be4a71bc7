"""Hostile landing files never sink a load (property-based, ``hypothesis``).

Generated POS exports mix good rows (quotes, commas, newlines, emoji and 1 MB values inside
fields, stray quotes) with bad ones (a NUL byte, another encoding, a field too many or too few,
a truncated last line), under a BOM, CRLF or mixed line ends, and a header with its columns
reordered, an extra one or a missing one. Whatever the mix: every good row loads verbatim, every
bad row is quarantined with its reason, and the counts say how many of each. A file that cannot
be read as a whole fails with a clear error and loads nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, text

from pipelines.db import migrate
from pipelines.db.engine import ensure_database, warehouse_url
from pipelines.ingest.csv_export import ENCODING_REASON, NUL_REASON, UnreadableExport
from pipelines.ingest.parse import parse_csv, parse_file
from pipelines.ingest.raw_load import copy_into_raw
from pipelines.settings import Settings
from pipelines.sources.datasets import POS_LINES
from pipelines.stages import ingest
from tests.ingest.conftest import window_for
from tests.ingest.landing import write_landing

COLUMNS = POS_LINES.columns
MALFORMED = "malformed CSV row"
# Text a customer, a cashier or a broken till might put in a field (never NUL: that is a kind
# of bad row of its own).
FIELD_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ 019,;\"'\\\n\tñáé€😀\u200b")), max_size=12
)
ONE_MB = 1 << 20
_days = itertools.count()


class Export:
    """A generated export: its bytes, the rows that must load, the rows that must not."""

    def __init__(self) -> None:
        self.data = b""
        self.good: dict[str, dict[str, str | None]] = {}  # id -> values
        self.bad: dict[str, str] = {}  # id -> the reason it is rejected with

    def __repr__(self) -> str:  # failures print this: 1 MB values stay out of it
        shown = self.data if len(self.data) < 2000 else self.data[:1000] + b"..." + self.data[-500:]
        return f"Export({shown!r}, {len(self.data)} bytes, good={list(self.good)}, bad={self.bad})"


def _values(ticket: str, product: str, extra: dict[str, str]) -> dict[str, str]:
    values = {
        "ticket_id": ticket, "line_id": "1", "store_id": "LIM-MIR-01",
        "ts": "2026-11-19 10:04:30", "customer_id": "C000143", "category": "panaderia",
        "product": product, "quantity": "2", "unit_price": "12.10", "discount": "0.00",
        "payment_type": "cash", "amount": "24.20",
    }  # fmt: skip
    return values | extra


def _csv_line(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)  # quotes fields holding \n
    return buffer.getvalue()[:-1]


@st.composite
def exports(draw: st.DrawFn) -> Export:
    header = list(COLUMNS)
    layout = draw(st.sampled_from(["exact", "reordered", "extra column", "missing column"]))
    if layout == "reordered":
        header = draw(st.permutations(header))
    elif layout == "extra column":
        header.insert(draw(st.integers(0, len(header))), "till_firmware")
    elif layout == "missing column":
        header.remove(draw(st.sampled_from(["customer_id", "discount", "product"])))
    kinds = draw(st.lists(st.sampled_from(
        ["good", "good", "good", "stray quote", "nul", "encoding", "extra field",
         "missing field"]), min_size=1, max_size=12))  # fmt: skip
    if draw(st.booleans()):
        kinds.insert(draw(st.integers(0, len(kinds))), "1 MB field")
    export = Export()
    event(f"header: {layout}")
    for kind in set(kinds):
        event(f"row: {kind}")
    lines = [_csv_line(header).encode()]
    for number, kind in enumerate(kinds):
        ticket = f"T-{number:04d}"
        product = draw(FIELD_TEXT)
        if kind == "1 MB field":
            product = ('Chicha morada, "la de siempre"\n' * (ONE_MB // 32 + 1))[:ONE_MB]
        firmware = "fw1" if kind == "stray quote" else draw(FIELD_TEXT)
        values = _values(ticket, product, {"till_firmware": firmware})
        if kind == "stray quote":  # a quote inside an unquoted field: read literally
            values["product"] = 'media "docena'
        fields = [values[c] for c in header]
        line = _csv_line(fields).encode()
        if kind == "stray quote":
            line = ",".join(fields).encode()  # no field needs quoting but the product
        elif kind == "nul":  # a NUL byte in the amount
            fields[header.index("amount")] = "MARK"
            line = _csv_line(fields).encode().replace(b"MARK", b"9\x009")
            export.bad[ticket] = NUL_REASON
        elif kind == "encoding":  # a line from a Windows-1252 till: the euro sign is 0x80
            fields[header.index("amount")] = "24,20 €"
            line = _csv_line(fields).encode().replace("€".encode(), b"\x80")
            export.bad[ticket] = ENCODING_REASON
        elif kind == "extra field":
            line += b",surplus"
            export.bad[ticket] = MALFORMED
        elif kind == "missing field":  # any field but the ticket id, which names the row
            del fields[header.index("amount")]
            line = _csv_line(fields).encode()
            export.bad[ticket] = MALFORMED
        if ticket not in export.bad:
            export.good[ticket] = {c: (values[c] if c in header else None) or None for c in COLUMNS}
        lines.append(line)
    if draw(st.booleans()):  # the file was cut inside its last line
        ticket = "T-LAST"
        lines.append(_csv_line(list(_values(ticket, "x", {}).values())[:3]).encode())
        export.bad[ticket] = MALFORMED
        ends = b""
    else:
        ends = b"\n"
    endings = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    separators: list[bytes] = [
        draw(st.sampled_from([b"\n", b"\r\n"])) if endings == "mixed" else endings.encode()
        for _ in lines
    ]
    body = b"".join(line + sep for line, sep in zip(lines[:-1], separators, strict=False))
    body += lines[-1] + (separators[-1] if ends else b"")
    bom = draw(st.booleans())
    event(f"line ends: {endings!r}, BOM: {bom}, truncated: {not ends}")
    export.data = (codecs.BOM_UTF8 if bom else b"") + body
    return export


def _check_parsed(export: Export) -> Any:
    parsed = parse_csv(export.data, COLUMNS)
    loaded = {row["ticket_id"]: row for row in parsed.table.to_pylist()}
    assert loaded == export.good
    assert parsed.rows_read == len(export.good) + len(export.bad)
    rejected: dict[str, str] = {}
    for reason, original in parsed.rejected:
        owners = [t for t in export.bad if t in original["text"]]
        assert len(owners) == 1, (reason, original)
        rejected[owners[0]] = reason
    assert {t: r.split(":")[0] for t, r in rejected.items()} == export.bad
    return parsed


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_every_good_row_loads_and_every_bad_row_is_rejected_with_its_reason(
    export: Export,
) -> None:
    _check_parsed(export)


@pytest.fixture(scope="module")
def raw_engine(settings: Settings) -> Iterator[Engine]:
    """A migrated database of its own: COPY then holds only the generated exports."""
    url = warehouse_url(settings).set(database=f"hostile_{uuid.uuid4().hex[:10]}")
    ensure_database(url)
    engine = create_engine(url)
    migrate.ensure_current(engine, settings)
    yield engine
    engine.dispose()
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'drop database "{url.database}" with (force)'))
    admin.dispose()


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_copy_stores_the_good_rows_verbatim_and_quarantines_the_rest(
    raw_engine: Engine, export: Export
) -> None:
    parsed = _check_parsed(export)
    day = date(2030, 1, 1) + timedelta(days=next(_days))
    result = copy_into_raw(raw_engine, POS_LINES, day, "generated.csv", "sha", parsed)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected_at_parse) == (
        len(export.good) + len(export.bad), len(export.good), len(export.bad),
    )  # fmt: skip
    columns = ", ".join(COLUMNS)
    with raw_engine.connect() as conn:
        stored = conn.execute(
            text(f"select {columns} from raw.pos_lines where business_date = :d"), {"d": day}
        ).mappings()
        assert {row["ticket_id"]: dict(row) for row in stored} == export.good
        quarantined = conn.execute(
            text("select count(*) from quarantine.pos_lines where business_date = :d"),
            {"d": day},
        ).scalar_one()
        logged = conn.execute(
            text(
                "select rows_read, rows_loaded from ops.loads"
                " where business_date = :d and source = 'pos_lines'"
            ),
            {"d": day},
        ).one()
    assert quarantined == len(export.bad)
    assert tuple(logged) == (len(export.good) + len(export.bad), len(export.good))


def test_an_empty_file_loads_no_rows() -> None:
    for data in (b"", codecs.BOM_UTF8, b"\n", ",".join(COLUMNS).encode() + b"\r\n"):
        parsed = parse_csv(data, COLUMNS)
        assert (parsed.table.num_rows, parsed.rejected) == (0, []), data


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xfe", "header line is not UTF-8"),
        ("ticket_id,line_id\n1,2\n".encode("utf-16"), None),  # UTF-16 with its BOM: readable
        (codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "not readable as UTF-16"),
        (b"store_id,ts,count\nLIM-MIR-01,2026-11-19 10:00:00,3\n", "lacks the key columns"),
        (b"promo_id,channel\nP1,web\n", "shares no column"),
        (b"ticket_id,ticket_id,amount\n1,1,3\n", "more than once"),
    ],
)
def test_a_file_unreadable_as_a_whole_is_one_clear_error(data: bytes, why: str | None) -> None:
    if why is None:
        parsed = parse_csv(data, COLUMNS)
        assert parsed.table.to_pylist()[0]["line_id"] == "2"
        assert "transcoded from UTF-16" in parsed.notes
        return
    with pytest.raises(UnreadableExport, match=why):
        parse_csv(data, COLUMNS, ("ticket_id", "line_id"))


def test_a_parquet_value_with_a_nul_is_quarantined_not_the_file(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [_values(f"T-{i}", "pan", {}) for i in range(3)]
    rows[1]["product"] = "pan\x00dulce"
    path = tmp_path / "transactions.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    parsed = parse_file(path, "parquet", COLUMNS)
    assert [r["ticket_id"] for r in parsed.table.to_pylist()] == ["T-0", "T-2"]
    [(reason, original)] = parsed.rejected
    assert "NUL" in reason and "T-1" in original["text"]
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(UnreadableExport, match="not readable as Parquet"):
        parse_file(tmp_path / "broken.parquet", "parquet", COLUMNS)


def test_an_unreadable_pos_file_fails_the_source_and_loads_nothing(
    fresh_engine: Engine, landing_settings: Settings
) -> None:
    day = date(2031, 2, 3)
    migrate.ensure_current(fresh_engine, landing_settings)
    root = write_landing(Path(landing_settings.landing), day)
    export = root / "pos" / day.isoformat() / "transactions.csv"
    export.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))  # not a CSV at all
    window = window_for(day, landing_settings)
    ingest.ingest_reference(fresh_engine, window, landing_settings)
    staged = ingest.extract(fresh_engine, window, landing_settings, "pos")
    with pytest.raises(UnreadableExport) as raised:
        ingest.load(fresh_engine, window, staged)
    message = str(raised.value)
    assert message.startswith("pos: the pos_lines export ")
    assert "unreadable as a whole" in message and "transactions.csv" in message
    with fresh_engine.connect() as conn:
        for table in ("raw.pos_lines", "raw.door_counts", "raw.staffing", "ops.loads"):
            count = conn.execute(
                text(f"select count(*) from {table} where business_date = :d"), {"d": day}
            ).scalar_one()
            assert count == 0, table  # the other POS files were not loaded either


def _one_nul(data: bytes, where: str) -> bytes:
    """The day's transactions.csv with a single NUL byte ``where``."""
    lines = data.split(b"\n")
    if where == "header":
        lines[0] = lines[0].replace(b"ticket_id", b"ticket_id\x00", 1)
    elif where == "field":
        lines[7] = lines[7].replace(b"Chicha", b"Chi\x00cha", 1)
    elif where == "quoted multi-line field":
        lines[7] = lines[7].replace(b"Chicha morada 1L", b'"Chicha\nmo\x00rada 1L"', 1)
    return b"\n".join(lines)


@pytest.mark.parametrize("where", ["header", "field", "quoted multi-line field"])
def test_a_single_nul_byte_in_a_pos_file_costs_one_row_at_most(
    engine: Engine, landing_settings: Settings, where: str
) -> None:
    day = date(2031, 3, 1) + timedelta(
        days=["header", "field", "quoted multi-line field"].index(where)
    )
    root = write_landing(Path(landing_settings.landing), day)
    export = root / "pos" / day.isoformat() / "transactions.csv"
    export.write_bytes(_one_nul(export.read_bytes(), where))
    window = window_for(day, landing_settings)
    ingest.ingest_reference(engine, window, landing_settings)
    counts = ingest.load(engine, window, ingest.extract(engine, window, landing_settings, "pos"))
    counts |= ingest.validate(engine, window, landing_settings, "pos")
    counts |= ingest.publish_source(engine, window, landing_settings, "pos")
    lost = 0 if where == "header" else 1
    assert counts["pos_lines_unparseable"] == lost
    assert counts["pos_lines_published"] == 80 - lost
    with engine.connect() as conn:
        reasons = (
            conn.execute(
                text("select reason from quarantine.pos_lines where business_date = :d"), {"d": day}
            )
            .scalars()
            .all()
        )
    assert reasons == [NUL_REASON] * lost
