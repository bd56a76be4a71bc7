from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from pipelines import runs
from pipelines.window import RunWindow


def _window(run_id: str) -> RunWindow:
    return RunWindow.from_interval(
        datetime(2031, 5, 1, 7, tzinfo=UTC),
        datetime(2031, 5, 2, 7, tzinfo=UTC),
        datetime(2031, 5, 2, 7, tzinfo=UTC),
        run_id,
        ZoneInfo("America/Lima"),
    )


def test_rerunning_a_date_keeps_one_row_and_counts_attempts(engine: Engine) -> None:
    started = datetime(2031, 5, 2, 7, 1, tzinfo=UTC)
    runs.record_start(engine, _window("first"), started)
    runs.record_finish(engine, _window("first"), "failed", error="ingest: boom")
    runs.record_start(engine, _window("second"), started)
    runs.record_finish(engine, _window("second"), "success", {"ingest.rows": 10})

    with engine.connect() as conn:
        count = conn.execute(
            text("select count(*) from ops.pipeline_runs where logical_date = '2031-05-02'")
        ).scalar()
    row = runs.fetch(engine, date(2031, 5, 2))
    assert count == 1
    assert row is not None
    assert row["dag_run_id"] == "second"
    assert row["status"] == "success" and row["attempts"] == 2
    assert row["business_date"] == date(2031, 5, 1)
    assert row["counts"] == {"ingest.rows": 10}
    assert row["error"] is None  # the earlier failure does not linger on the successful re-run
    assert row["finished_at"] is not None
