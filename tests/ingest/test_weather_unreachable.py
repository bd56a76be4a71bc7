"""The weather extract at the stage level when the weather API cannot be reached at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pipelines.db import migrate
from pipelines.ingest import reference
from pipelines.settings import Settings
from pipelines.sources.weather_api import WeatherUnavailable
from pipelines.stages import ingest
from tests.ingest.conftest import window_for
from tests.ingest.landing import write_landing
from tests.mail_sink import free_port

DAY = date(2031, 3, 9)


def test_unreachable_weather_api_fails_the_extract_and_writes_nothing(
    fresh_engine: Engine, landing_settings: Settings
) -> None:
    # A database of its own: the stores (hence the cities asked for) are exactly this landing's.
    migrate.ensure_current(fresh_engine, landing_settings)
    write_landing(Path(landing_settings.landing), DAY)
    reference.load_stores(fresh_engine, landing_settings.landing)
    closed = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens: every attempt is refused
    night = landing_settings.model_copy(
        update={
            "weather_archive_url": f"{closed}/archive",
            "weather_forecast_url": f"{closed}/forecast",
            "weather_attempts": 2,
            "weather_timeout_s": 2.0,
        }
    )
    window = window_for(DAY, night)

    with pytest.raises(WeatherUnavailable) as caught:
        ingest.extract(fresh_engine, window, night, "weather")

    # Cities come in name order: Cusco (one store) is asked for first and fails the night.
    message = str(caught.value)
    assert message.startswith(
        "weather observed for Cusco (stores CUS-CEN-01) 2031-03-09..2031-03-09"
    )
    assert f"{closed}/archive" in message and message.endswith("after 2 attempts")
    staged = night.data_dir / "staging" / DAY.isoformat() / "weather" / "weather.json"
    assert not staged.exists()
    with fresh_engine.connect() as conn:
        written = {
            table: conn.execute(
                text(f"select count(*) from {table} where business_date = :d"), {"d": DAY}
            ).scalar_one()
            for table in ("raw.weather", "core.weather_hourly", "ops.loads")
        }
    assert written == dict.fromkeys(written, 0)
