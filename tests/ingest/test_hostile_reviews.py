"""Hostile review text through extract -> load -> validate -> publish, stored verbatim.

Review text is free text typed by customers: SQL fragments, every kind of quote, backslashes
(COPY's own escape character), emoji, RTL text, control characters, very long strings. All of
it must arrive in core.reviews byte for byte, and nothing may be executed. The one thing
PostgreSQL text cannot hold is NUL (U+0000); such a review is quarantined with a reason.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from pipelines.db import migrate
from pipelines.settings import Settings
from pipelines.stages import ingest
from tests.ingest.conftest import window_for
from tests.ingest.landing import write_landing

DAY = date(2031, 8, 14)
TEN_KB = ('Atención rápida, precios justos 👍 "ok" \\ ; ' * 300)[:10_240]
HOSTILE_TEXTS = {
    "sql-close-paren": "'); drop table core.reviews; --",
    "bobby-tables": "Robert'); DROP TABLE x;--",
    "sql-comment-block": "*/ delete from raw.reviews where true; /* ; commit;",
    "bind-params": "%s %(text)s :business_date $1 {0} {text} ?",
    "quotes": "\"double\" 'single' `back` “curly” ‘curly’ «guillemets» „low“ ‹one› ＂wide＂ ''",
    "csv-breakers": '","","\n"a","b"\n,,,\r\n""',
    "backslashes": "C:\\ruta\\nueva \\\\ \\n \\t \\x00 \\u0000 \\' \\\"",
    "copy-null-marker": "\\N",
    "copy-end-marker": "\\.",
    "copy-end-marker-line": "primera línea\n\\.\ntercera línea",
    "emoji": "👍🏽 👨‍👩‍👧‍👦 🧑🏿‍🤝‍🧑🏻 🏳️‍🌈 🏴‍☠️ 🇵🇪🇺🇸 ❤️‍🔥 1️⃣",
    "rtl": "مطعم رائع! שירות מצוין \u200fmixed\u200e \u202eRLO override\u202c عربي",
    "control": "bell\u0007 bs\u0008 vt\u000b ff\u000c esc\u001b us\u001f del\u007f c1\u0085\u009f",
    "nul-adjacent": "\u0001start\u0002 \u0003middle\u0004 end\u001e",
    "newlines-tabs": "line 1\nline 2\r\nline 3\rline 4\ttab\t\ttabs\u2028ls\u2029ps",
    "invisible": "\ufeffbom \u200bzero-width\u200d \u00a0nbsp",
    "html": "<script>alert('x')</script> &amp; <b>bold</b>",
    "ten-kb": TEN_KB,
    "whitespace-only": " \t ",
    "empty": "",
}
PLAIN = 6  # ordinary reviews beside the hostile ones, like a real night
NUL_ESCAPED = "review_nul_escaped"  # "\u0000" written as a JSON escape
NUL_RAW = "review_nul_raw"  # a raw 0x00 byte inside the JSON line (not valid JSON)
SURROGATE = "review_lone_surrogate"  # "\ud800": valid JSON grammar, not storable Unicode


def _review(review_id: str, text_value: str, i: int) -> dict:
    return {
        "review_id": review_id,
        "store_id": "LIM-MIR-01",
        "customer_id": None,
        "ts": f"{DAY:%Y-%m-%d} 13:{i % 60:02d}:00",
        "rating": 1 + i % 5,
        "language": "es",
        "text": text_value,
    }


def _write_reviews(landing: Path) -> dict[str, str]:
    """The night's reviews.jsonl; returns the storable ones (review_id -> text)."""
    expected = {f"H-{name}": value for name, value in HOSTILE_TEXTS.items()}
    expected["R'); drop table raw.reviews; --"] = "an id that is SQL too"
    expected |= {f"P-{i}": f"Buena atención {i}" for i in range(PLAIN)}
    lines = [
        json.dumps(_review(rid, value, i), ensure_ascii=i % 2 == 0).encode("utf-8")
        for i, (rid, value) in enumerate(expected.items())
    ]
    lines.append(json.dumps(_review(NUL_ESCAPED, "antes\u0000después", 1)).encode())
    lines.append(json.dumps(_review(NUL_RAW, "antesXdespués", 2)).encode().replace(b"X", b"\x00"))
    lines.append(json.dumps(_review(SURROGATE, "mitad \ud800 de un par", 3)).encode())
    path = landing / "reviews" / DAY.isoformat() / "reviews.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return expected


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select table_schema || '.' || table_name from information_schema.tables"
                " where table_schema in ('raw', 'core', 'quarantine', 'ops', 'ref', 'plan')"
            )
        )
        return set(rows.scalars())


def test_hostile_reviews_are_stored_verbatim_and_nul_is_quarantined(
    fresh_engine: Engine, landing_settings: Settings
) -> None:
    # Its own database: no other test's reviews shift the volume band or share review ids.
    migrate.ensure_current(fresh_engine, landing_settings)
    tables_before = _tables(fresh_engine)
    landing = write_landing(Path(landing_settings.landing), DAY)
    expected = _write_reviews(landing)
    window = window_for(DAY, landing_settings)

    ingest.ingest_reference(fresh_engine, window, landing_settings)
    staged = ingest.extract(fresh_engine, window, landing_settings, "reviews")
    counts = ingest.load(fresh_engine, window, staged)
    counts |= ingest.validate(fresh_engine, window, landing_settings, "reviews")
    counts |= ingest.publish_source(fresh_engine, window, landing_settings, "reviews")

    assert counts == {
        "reviews_loaded": len(expected),
        "reviews_unparseable": 3,
        "reviews_quarantined": 0,
        "reviews_published": len(expected),
    }
    with fresh_engine.connect() as conn:
        stored = conn.execute(
            text(
                "select review_id, text, convert_to(text, 'UTF8') as utf8 from core.reviews"
                " where business_date = :d"
            ),
            {"d": DAY},
        ).all()
        rejected = conn.execute(
            text(
                "select reason, original from quarantine.reviews"
                " where business_date = :d order by (original->>'line')::int"
            ),
            {"d": DAY},
        ).all()
    assert {row.review_id: row.text for row in stored} == expected
    for row in stored:
        assert bytes(row.utf8) == expected[row.review_id].encode("utf-8"), row.review_id
    assert _tables(fresh_engine) == tables_before

    by_line = {r.original["line"]: r for r in rejected}
    first_bad = len(expected) + 1
    assert sorted(by_line) == [first_bad, first_bad + 1, first_bad + 2]
    assert "NUL" in by_line[first_bad].reason and "text" in by_line[first_bad].reason
    assert NUL_ESCAPED in by_line[first_bad].original["text"]
    assert "unreadable JSON line" in by_line[first_bad + 1].reason
    assert NUL_RAW in by_line[first_bad + 1].original["text"]
    assert "surrogate" in by_line[first_bad + 2].reason
    assert SURROGATE in by_line[first_bad + 2].original["text"]
