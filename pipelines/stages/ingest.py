"""Ingest: bring the night's inputs into PostgreSQL for the run's business date.

Reference data first (calendar, stores, loyalty members), then per source (``pos``, ``weather``,
``reviews``): extract (stage a local copy) -> load (COPY into raw.*) -> validate (the gate) ->
publish (core.*). Every step replaces exactly the business date's rows.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pipelines.ingest import gate, publish, raw_load, reference
from pipelines.ingest.csv_export import UnreadableExport
from pipelines.ingest.parse import parse_file
from pipelines.ingest.typing import KEYS
from pipelines.reference.calendar import refresh_calendar
from pipelines.settings import Settings
from pipelines.sources import landing, weather_api
from pipelines.sources.datasets import BY_NAME, BY_SOURCE, WEATHER
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

# Training looks back up to two years and lag features a year further; plans look 14+ days ahead.
CALENDAR_HISTORY_DAYS = 3 * 366
CALENDAR_HORIZON_DAYS = 35


def calendar_window(window: RunWindow) -> tuple[date, date]:
    day = window.business_date
    return day - timedelta(days=CALENDAR_HISTORY_DAYS), day + timedelta(days=CALENDAR_HORIZON_DAYS)


def ingest_reference(engine: Engine, window: RunWindow, settings: Settings) -> dict[str, Any]:
    start, end = calendar_window(window)
    with engine.begin() as conn:
        days = refresh_calendar(conn, start, end, settings.country)
    return {
        "calendar_days": days,
        "stores": reference.load_stores(engine, settings.landing),
        "customers": reference.load_customers(engine, settings.landing),
    }


def data_docs_dir(settings: Settings, window: RunWindow) -> Path:
    """Great Expectations Data Docs for the business date's validations (open index.html)."""
    return settings.data_dir / "data_docs" / window.business_date.isoformat()


def _staging_dir(settings: Settings, window: RunWindow, source: str) -> Path:
    return settings.data_dir / "staging" / window.business_date.isoformat() / source


def _weather_cities(engine: Engine) -> list[weather_api.City]:
    with engine.connect() as conn:
        rows = conn.execute(sql("ref/weather_cities")).all()
    return [weather_api.City(r.city, r.latitude, r.longitude, tuple(r.store_ids)) for r in rows]


def extract(engine: Engine, window: RunWindow, settings: Settings, source: str) -> list[dict]:
    """Stage the source's exports for the date locally; returns references to the staged files."""
    staging = _staging_dir(settings, window, source)
    if source == "weather":
        client = weather_api.WeatherClient(
            settings.weather_archive_url,
            settings.weather_forecast_url,
            settings.timezone,
            timeout_s=settings.weather_timeout_s,
            attempts=settings.weather_attempts,
        )
        try:
            payload = weather_api.fetch_night(client, _weather_cities(engine), window.business_date)
        finally:
            client.close()
        staging.mkdir(parents=True, exist_ok=True)
        path = staging / "weather.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return [landing.stage(str(path), "json", WEATHER.name, staging).to_ref()]
    staged = []
    for dataset in BY_SOURCE[source]:
        try:
            url, fmt = landing.locate(settings.landing, dataset, window.business_date)
        except landing.MissingExport:
            if dataset.optional:  # nothing new tonight: the last published rows stay
                continue
            raise
        staged.append(landing.stage(url, fmt, dataset.name, staging).to_ref())
    return staged


def load(engine: Engine, window: RunWindow, staged: list[dict]) -> dict[str, Any]:
    """Load every staged export of a source. Bad rows are quarantined one by one; a file that
    cannot be read at all fails the whole source (UnreadableExport, a ValidationFailed: no
    retries) before anything of it is written, so nothing is published for the date."""
    counts: dict[str, Any] = {}
    parsed_files = []
    for ref in staged:  # every file parsed before any is loaded: all of the source, or none
        dataset = BY_NAME[str(ref["dataset"])]
        try:
            keys = tuple(k for k in KEYS[dataset.name] if k in dataset.columns)
            path = Path(str(ref["local_path"]))
            parsed = parse_file(path, str(ref["fmt"]), dataset.columns, keys)
        except UnreadableExport as error:
            raise UnreadableExport(
                f"{dataset.source}: the {dataset.name} export {ref['source_url']} for "
                f"{window.business_date} is unreadable as a whole ({error}); nothing of "
                f"{dataset.source} was loaded and the night stops before publishing"
            ) from None
        parsed_files.append((ref, dataset, parsed))
    for ref, dataset, parsed in parsed_files:
        if parsed.notes:
            counts[f"{dataset.name}_notes"] = "; ".join(parsed.notes)
        result = raw_load.copy_into_raw(
            engine,
            dataset,
            window.business_date,
            str(ref["source_url"]),
            str(ref["checksum"]),
            parsed,
        )
        counts[f"{dataset.name}_loaded"] = result.rows_loaded
        counts[f"{dataset.name}_unparseable"] = result.rows_rejected_at_parse
    return counts


def validate(engine: Engine, window: RunWindow, settings: Settings, source: str) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for dataset in BY_SOURCE[source]:
        result = gate.check(
            engine,
            dataset,
            window.business_date,
            window.business_date,
            settings.gate_max_rejected_share,
            settings.gate_volume_band,
            docs_dir=data_docs_dir(settings, window) / dataset.name,
        )
        counts[f"{dataset.name}_quarantined"] = result.rows_quarantined
    return counts


def publish_source(
    engine: Engine, window: RunWindow, settings: Settings, source: str
) -> dict[str, Any]:
    return {
        f"{dataset.name}_published": publish.publish(
            engine, dataset, window.business_date, window.business_date, settings.timezone
        )
        for dataset in BY_SOURCE[source]
    }


def ingest_history(
    engine: Engine,
    settings: Settings,
    first: date,
    last: date,
    chunk_days: int = 31,
    progress: bool = False,
) -> dict[str, int]:
    """Load a range of past business dates: the nightly steps without Airflow, for history.

    Every day's exports are extracted and loaded exactly as a night would; the gate and the
    publish then run once per dataset per chunk of days (faster, same expectations), and no
    Data Docs are written. Re-running a range replaces it.
    """
    from tqdm import tqdm

    sources = tuple(BY_SOURCE)
    ingest_reference(engine, RunWindow.for_business_date(last, settings.tz), settings)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for day in tqdm(days, desc="loading", unit="day", disable=not progress):
        window = RunWindow.for_business_date(day, settings.tz, "history")
        for source in sources:
            load(engine, window, extract(engine, window, settings, source))
    published: dict[str, int] = {}
    for start in range(0, len(days), chunk_days):
        chunk_first, chunk_last = days[start], days[min(start + chunk_days, len(days)) - 1]
        for dataset in (d for source in sources for d in BY_SOURCE[source]):
            gate.check(
                engine,
                dataset,
                chunk_first,
                chunk_last,
                settings.gate_max_rejected_share,
                settings.gate_volume_band,
            )
        for dataset in (d for source in sources for d in BY_SOURCE[source]):
            count = publish.publish(engine, dataset, chunk_first, chunk_last, settings.timezone)
            published[dataset.name] = published.get(dataset.name, 0) + count
    return published
