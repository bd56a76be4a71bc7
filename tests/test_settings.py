from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from pipelines.errors import ConfigError
from pipelines.settings import Settings, describe_validation_error


def test_defaults_match_the_documented_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NIGHTSHIFT_DATA_DIR")
    settings = Settings(_env_file=None)
    assert settings.database_url is None and settings.uses_embedded_database
    assert settings.data_dir == Path(".nightshift").resolve()
    assert settings.timezone == "America/Lima"
    assert settings.smtp_host == "localhost" and settings.smtp_port == 1025
    assert settings.tracking_uri == f"sqlite:///{Path('.nightshift').resolve()}/mlflow/mlflow.db"


def test_reads_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIGHTSHIFT_SMTP_PORT", "2525")
    monkeypatch.setenv("NIGHTSHIFT_MLFLOW_TRACKING_URI", "http://mlflow:5000")
    settings = Settings(_env_file=None)
    assert settings.smtp_port == 2525
    assert settings.tracking_uri == "http://mlflow:5000"


def test_settings_are_frozen() -> None:
    settings = Settings(_env_file=None)
    with pytest.raises(ValidationError):
        settings.timezone = "UTC"  # type: ignore[misc]


def test_bad_timezone_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIGHTSHIFT_TIMEZONE", "Lima/Peru")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    message = describe_validation_error(caught.value)
    assert "\n" not in message
    assert "NIGHTSHIFT_TIMEZONE" in message and "Lima/Peru" in message


def test_get_settings_raises_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines import settings as module

    monkeypatch.setenv("NIGHTSHIFT_SMTP_PORT", "not-a-port")
    module.get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="NIGHTSHIFT_SMTP_PORT"):
            module.get_settings()
    finally:
        monkeypatch.delenv("NIGHTSHIFT_SMTP_PORT")
        module.get_settings.cache_clear()
