"""The file connectors read any fsspec location and Parquet as well as CSV."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import fsspec
from sqlalchemy import Engine, text

from pipelines.settings import Settings
from pipelines.simulator.core import SimulationConfig, run_simulation
from pipelines.stages import ingest
from tests.ingest.conftest import window_for
from tests.ingest.landing import write_landing


def _publish_pos(engine: Engine, settings: Settings, day: date) -> dict:
    window = window_for(day, settings)
    ingest.ingest_reference(engine, window, settings)
    counts = ingest.load(engine, window, ingest.extract(engine, window, settings, "pos"))
    ingest.validate(engine, window, settings, "pos")
    return counts | ingest.publish_source(engine, window, settings, "pos")


def test_parquet_exports_load_like_csv(engine: Engine, landing_settings: Settings) -> None:
    day = date(2026, 6, 10)
    landing = Path(landing_settings.landing)
    run_simulation(
        SimulationConfig(stores=2, start=day, end=day, seed=9, out=landing, file_format="parquet")
    )
    assert (landing / "pos" / day.isoformat() / "transactions.parquet").exists()
    counts = _publish_pos(engine, landing_settings, day)
    assert counts["pos_lines_loaded"] > 0
    assert counts["pos_lines_published"] == counts["pos_lines_loaded"]


def test_any_fsspec_url_works_as_the_landing_location(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    day = date(2028, 6, 11)  # far from other tests: the volume band compares with 28 days before
    local = write_landing(tmp_path / "local", day)
    memory = fsspec.filesystem("memory")
    for path in local.rglob("*"):
        if path.is_file():
            memory.pipe(f"/landing-test/{path.relative_to(local)}", path.read_bytes())
    try:
        remote = settings.model_copy(update={"landing_url": "memory://landing-test"})
        counts = _publish_pos(engine, remote, day)
        with engine.connect() as conn:
            source = conn.execute(
                text("select source_file from ops.loads where business_date = :d"
                     " and source = 'pos_lines'"),
                {"d": day},
            ).scalar_one()  # fmt: skip
    finally:
        memory.rm("/landing-test", recursive=True)
        shutil.rmtree(tmp_path / "local", ignore_errors=True)
    assert counts["pos_lines_published"] == 80
    assert source.startswith("memory://")
