"""POS exports through extract -> load -> validate -> publish on the real warehouse."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pipelines.errors import ValidationFailed
from pipelines.settings import Settings
from pipelines.stages import ingest
from tests.ingest.conftest import window_for
from tests.ingest.landing import pos_rows, write_landing


def _run_pos(engine: Engine, settings: Settings, day: date) -> dict:
    window = window_for(day, settings)
    ingest.ingest_reference(engine, window, settings)
    staged = ingest.extract(engine, window, settings, "pos")
    counts = ingest.load(engine, window, staged)
    counts |= ingest.validate(engine, window, settings, "pos")
    counts |= ingest.publish_source(engine, window, settings, "pos")
    return counts


def _checksum(engine: Engine, table: str, day: date) -> str:
    with engine.connect() as conn:
        return conn.execute(
            text(
                f"select md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
                f" from {table} t where business_date = :d"
            ),
            {"d": day},
        ).scalar_one()


def _quarantined(engine: Engine, day: date) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("select reason, original from quarantine.pos_lines where business_date = :d"),
            {"d": day},
        ).all()
    return [(r.reason, r.original) for r in rows]


def test_clean_day_loads_and_rerun_is_identical(engine: Engine, landing_settings: Settings) -> None:
    day = date(2026, 3, 2)
    write_landing(Path(landing_settings.landing), day)
    counts = _run_pos(engine, landing_settings, day)
    assert counts["pos_lines_loaded"] == 80 and counts["pos_lines_published"] == 80
    assert counts["door_counts_published"] == 24 and counts["promotions_published"] == 3
    before = {t: _checksum(engine, t, day) for t in ("core.pos_lines", "core.door_counts")}

    _run_pos(engine, landing_settings, day)
    after = {t: _checksum(engine, t, day) for t in ("core.pos_lines", "core.door_counts")}
    assert before == after
    with engine.connect() as conn:
        load = conn.execute(
            text("select * from ops.loads where business_date = :d and source = 'pos_lines'"),
            {"d": day},
        ).one()
        utc_offset = conn.execute(
            text(
                "select distinct extract(epoch from ts_utc - (ts_local at time zone 'UTC'))/3600"
                " from core.pos_lines where business_date = :d"
            ),
            {"d": day},
        ).scalar_one()
        outage = conn.execute(
            text(
                "select count(*) from core.door_counts where business_date = :d and count is null"
            ),
            {"d": day},
        ).scalar_one()
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined) == (80, 80, 0)
    assert len(load.checksum) == 64
    assert utc_offset == 5  # Lima is UTC-5 all year
    assert outage == 2  # counter outages stay as NULL counts, not zeros


def test_bad_rows_are_quarantined_with_reasons_and_good_rows_load(
    engine: Engine, landing_settings: Settings
) -> None:
    day = date(2026, 3, 3)
    rows = pos_rows(day, tickets=60)  # 120 lines
    rows[0]["quantity"] = "-2"
    rows[2]["ts"] = "03/03/2026 12:00"
    rows[4]["store_id"] = "LIM-XXX-99"
    rows[6]["amount"] = ""
    rows[8]["product"] = "Chicha morada pequeÃ±a"
    rows[10]["ts"] = "2031-03-03 12:00:00"
    rows.append(dict(rows[20]))  # a duplicated line
    write_landing(Path(landing_settings.landing), day, pos=rows)

    counts = _run_pos(engine, landing_settings, day)
    reasons = sorted(reason for reason, _ in _quarantined(engine, day))
    assert reasons == sorted(
        [
            "quantity not between 1 and 1000 (negative or zero quantity)",
            "malformed or missing timestamp",
            "unknown store id",
            "missing (NULL) amount",
            "broken text encoding (mojibake)",
            "timestamp outside the business date (or in the future)",
            "duplicate of an earlier row with the same ticket_id/line_id",
        ]
    )
    assert counts["pos_lines_published"] == 120 - 6
    originals = {r: o for r, o in _quarantined(engine, day)}
    assert originals["unknown store id"]["store_id"] == "LIM-XXX-99"  # the row as it came


def test_unparseable_lines_are_quarantined_not_lost(
    engine: Engine, landing_settings: Settings
) -> None:
    day = date(2026, 3, 4)
    root = write_landing(Path(landing_settings.landing), day)
    path = root / "pos" / "2026-03-04" / "transactions.csv"
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    lines[5] = lines[5].replace(b"Chicha", b"Chicha \xff\xfe")  # not UTF-8 at all
    lines[9] = lines[9].replace(b",", b",\x00", 1)  # a NUL byte: PostgreSQL text cannot hold it
    truncated = b"".join(lines)[:-25]  # the file was cut mid-line
    path.write_bytes(truncated)

    counts = _run_pos(engine, landing_settings, day)
    reasons = [r for r, _ in _quarantined(engine, day)]
    assert "invalid UTF-8 (broken encoding)" in reasons
    assert "contains a NUL byte, which PostgreSQL text cannot store" in reasons
    assert any(r.startswith("malformed CSV row") for r in reasons)
    assert counts["pos_lines_published"] == 77


def test_a_batch_that_loses_most_rows_fails_and_publishes_nothing(
    engine: Engine, landing_settings: Settings
) -> None:
    day = date(2026, 3, 5)
    rows = pos_rows(day)
    for row in rows[:60]:
        row["store_id"] = "UNKNOWN"
    write_landing(Path(landing_settings.landing), day, pos=rows)
    window = window_for(day, landing_settings)
    ingest.ingest_reference(engine, window, landing_settings)
    ingest.load(engine, window, ingest.extract(engine, window, landing_settings, "pos"))
    with pytest.raises(ValidationFailed, match=r"60 of 80 rows \(75%\) were quarantined"):
        ingest.validate(engine, window, landing_settings, "pos")
    assert _checksum(engine, "core.pos_lines", day) == _checksum(
        engine, "core.pos_lines", date(1999, 1, 1)
    )
    assert len(_quarantined(engine, day)) == 60  # kept for inspection


def test_volume_far_below_the_trailing_average_fails_the_batch(
    engine: Engine, landing_settings: Settings
) -> None:
    for offset in range(3):
        day = date(2026, 4, 1 + offset)
        write_landing(Path(landing_settings.landing), day)
        _run_pos(engine, landing_settings, day)
    thin = date(2026, 4, 4)
    write_landing(Path(landing_settings.landing), thin, pos=pos_rows(thin, tickets=5))
    with pytest.raises(ValidationFailed, match="expect_table_row_count_to_be_between"):
        _run_pos(engine, landing_settings, thin)


def test_hostile_review_text_is_stored_verbatim(engine: Engine, landing_settings: Settings) -> None:
    day = date(2026, 3, 6)
    root = write_landing(Path(landing_settings.landing), day)
    hostile = [
        "'); drop table core.reviews; --",
        'Dijo "excelente" pero… \\N \t tab, comma, "quote"',
        "🙂🔥🇵🇪 emoji only",
        "x" * 10_000,
        "línea 1\nlínea 2",
    ]
    lines = [
        json.dumps({"review_id": f"H{i}", "store_id": "LIM-MIR-01", "customer_id": None,
                    "ts": "2026-03-06 18:00:00", "rating": 3, "language": "es", "text": t},
                   ensure_ascii=False)
        for i, t in enumerate(hostile)
    ]  # fmt: skip
    (root / "reviews" / "2026-03-06" / "reviews.jsonl").write_text("\n".join(lines), "utf-8")
    window = window_for(day, landing_settings)
    ingest.ingest_reference(engine, window, landing_settings)
    ingest.load(engine, window, ingest.extract(engine, window, landing_settings, "reviews"))
    ingest.validate(engine, window, landing_settings, "reviews")
    ingest.publish_source(engine, window, landing_settings, "reviews")
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                text("select review_id, text from core.reviews where business_date = :d"),
                {"d": day},
            ).all()
        )
        assert conn.execute(text("select count(*) from core.reviews")).scalar_one() >= 5
    assert stored == {f"H{i}": t for i, t in enumerate(hostile)}
