"""The demo's stand-ins for the chain's systems: simulated exports, a local weather API and a
local mail server.

Used by ``nightshift demo`` (and ``make demo``): the pipeline itself runs unchanged; only the
landing location, the weather URLs and the SMTP server point at local stand-ins.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

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
    try:
        with _settings_overridden(
            NIGHTSHIFT_WEATHER_ARCHIVE_URL=f"{base}/archive",
            NIGHTSHIFT_WEATHER_FORECAST_URL=f"{base}/forecast",
        ):
            yield base
    finally:
        stop_weather_server(server, thread)


class _Outbox:
    """aiosmtpd handler: every message received becomes an .eml file (open it in a mail app)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        count = len(list(self.folder.glob("*.eml")))
        recipient = "_".join(envelope.rcpt_tos).replace("@", "_at_").replace("/", "_")
        (self.folder / f"{count + 1:03d}-{recipient}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"


@contextmanager
def local_outbox(settings: Settings, business_date: date) -> Iterator[Path]:
    """A local SMTP server for the demo: the night's emails land in
    <data_dir>/outbox/<business date>/ instead of reaching anybody."""
    from aiosmtpd.controller import Controller

    folder = settings.data_dir / "outbox" / business_date.isoformat()
    if folder.exists():
        for old in folder.glob("*.eml"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:  # aiosmtpd needs a concrete port to check it is up
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Outbox(folder), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with _settings_overridden(
            NIGHTSHIFT_SMTP_HOST="127.0.0.1", NIGHTSHIFT_SMTP_PORT=str(port),
            NIGHTSHIFT_SMTP_TLS="false", NIGHTSHIFT_SMTP_USER="",
        ):  # fmt: skip
            yield folder
    finally:
        controller.stop()


@contextmanager
def _settings_overridden(**values: str) -> Iterator[None]:
    """Set NIGHTSHIFT_* variables for this process (and the tasks it runs), then restore."""
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
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
