"""The demo's stand-ins for the chain's systems: simulated exports and a local weather API.

Used by ``nightshift demo`` (and ``make demo``): the pipeline itself runs unchanged; only the
landing location and the weather URLs point at simulated sources.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from pipelines.settings import Settings, get_settings
from pipelines.sqlfiles import sql


def simulated_landing(settings: Settings, stores: int, start: date, end: date, seed: int) -> Path:
    """Simulate into the landing location unless the same simulation is already there."""
    from pipelines.simulator.core import SimulationConfig, run_simulation

    landing = Path(settings.landing)
    manifest = landing / "manifest.json"
    wanted = {"seed": seed, "stores": stores, "start": start.isoformat(), "end": end.isoformat()}
    if manifest.exists():
        existing = json.loads(manifest.read_text())
        if all(existing.get(k) == v for k, v in wanted.items()):
            return landing
    config = SimulationConfig(stores=stores, start=start, end=end, seed=seed, out=landing)
    run_simulation(config, progress=True)
    return landing


@contextmanager
def simulated_weather(settings: Settings) -> Iterator[str]:
    """Serve <landing>/weather on a free local port and point the weather settings at it."""
    from pipelines.simulator.weather_server import start_weather_server, stop_weather_server

    server, thread = start_weather_server(Path(settings.landing), "127.0.0.1", 0)
    base = f"{server.url}/v1"
    previous = {
        k: os.environ.get(k)
        for k in ("NIGHTSHIFT_WEATHER_ARCHIVE_URL", "NIGHTSHIFT_WEATHER_FORECAST_URL")
    }
    os.environ["NIGHTSHIFT_WEATHER_ARCHIVE_URL"] = f"{base}/archive"
    os.environ["NIGHTSHIFT_WEATHER_FORECAST_URL"] = f"{base}/forecast"
    get_settings.cache_clear()
    try:
        yield base
    finally:
        stop_weather_server(server, thread)
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


def load_history(settings: Settings, first: date, last: date) -> int:
    """Load the simulated days before the demo night into core (skipped when already there)."""
    from pipelines.stages.ingest import ingest_history
    from pipelines.warehouse import warehouse

    engine = warehouse(settings)
    with engine.connect() as conn:
        loaded = conn.execute(sql("ops/loaded_days"), {"first": first, "last": last}).scalar_one()
    days = (last - first).days + 1
    if loaded == days:
        return 0
    ingest_history(engine, settings, first, last, progress=True)
    return days
