"""A simulated week with 2% realistic defects: bad rows quarantined with reasons, good rows load."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from pipelines.settings import Settings
from pipelines.simulator.core import SimulationConfig, run_simulation
from pipelines.stages import ingest
from tests.ingest.conftest import window_for

START, END = date(2026, 5, 4), date(2026, 5, 6)


def test_defective_exports_are_quarantined_and_the_rest_published(
    engine: Engine, landing_settings: Settings
) -> None:
    landing = Path(landing_settings.landing)
    run_simulation(
        SimulationConfig(stores=3, start=START, end=END, seed=5, out=landing, defects=0.02)
    )
    # The gate's own volume check needs history; a 2% defect rate must never trip it.
    day = START
    while day <= END:
        window = window_for(day, landing_settings)
        ingest.ingest_reference(engine, window, landing_settings)
        for source in ("pos", "reviews"):
            ingest.load(engine, window, ingest.extract(engine, window, landing_settings, source))
            ingest.validate(engine, window, landing_settings, source)
            ingest.publish_source(engine, window, landing_settings, source)
        day += timedelta(days=1)

    span = {"a": START, "b": END}
    with engine.connect() as conn:
        reasons = set(
            conn.execute(
                text(
                    "select distinct unnest(string_to_array(reason, '; '))"
                    " from quarantine.pos_lines where business_date between :a and :b"
                ),
                span,
            ).scalars()
        )
        balance = conn.execute(
            text(
                "select sum(rows_loaded) filter (where source = 'pos_lines'),"
                " sum(rows_published) filter (where source = 'pos_lines'),"
                " (select count(*) from quarantine.pos_lines"
                "   where business_date between :a and :b and raw_id is not null)"
                " from ops.loads where business_date between :a and :b"
            ),
            span,
        ).one()
        leftovers = conn.execute(
            text(
                "select count(*) filter (where quantity < 1),"
                " count(*) filter (where product like '%Ã%'),"
                " count(*) filter (where ts_local::date <> business_date)"
                " from core.pos_lines where business_date between :a and :b"
            ),
            span,
        ).one()
    assert {
        "unknown store id",
        "malformed or missing timestamp",
        "missing (NULL) amount",
        "quantity not between 1 and 1000 (negative or zero quantity)",
        "timestamp outside the business date (or in the future)",
        "duplicate of an earlier row with the same ticket_id/line_id",
    } <= reasons
    loaded, published, quarantined = balance
    assert published == loaded - quarantined  # nothing lost, nothing invented
    assert 0 < quarantined < 0.05 * loaded
    assert tuple(leftovers) == (0, 0, 0)
