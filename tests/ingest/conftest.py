from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.settings import Settings
from pipelines.window import RunWindow


@pytest.fixture
def landing_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The session's settings, reading exports from a fresh landing directory."""
    return settings.model_copy(update={"landing_url": str(tmp_path / "landing")})


def window_for(day: date, settings: Settings) -> RunWindow:
    return RunWindow.for_business_date(day, settings.tz, "test")
