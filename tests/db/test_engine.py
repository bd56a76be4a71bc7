from __future__ import annotations

import pytest
from sqlalchemy import make_url, text

from pipelines.db import embedded
from pipelines.db.engine import airflow_url, ensure_database, get_engine
from pipelines.errors import ConfigError, DatabaseUnavailable
from pipelines.settings import Settings


def test_embedded_server_is_reused_not_restarted(settings: Settings) -> None:
    first = embedded.status(settings.pgdata_dir)
    assert first.running
    embedded.ensure_running(settings.pgdata_dir)
    assert embedded.status(settings.pgdata_dir).pid == first.pid


def test_airflow_metadata_lives_on_the_same_server(settings: Settings) -> None:
    engine = get_engine(settings)
    with engine.connect() as conn:
        names = set(conn.execute(text("select datname from pg_database")).scalars())
    assert {"nightshift", settings.airflow_database} <= names
    assert airflow_url(settings).query == make_url(str(engine.url)).query


def test_unreachable_server_fails_fast_with_what_to_fix() -> None:
    url = make_url("postgresql+psycopg2://someone:hunter2@127.0.0.1:9/warehouse")
    with pytest.raises(DatabaseUnavailable) as caught:
        ensure_database(url)
    message = str(caught.value)
    assert "127.0.0.1:9" in message and "NIGHTSHIFT_DATABASE_URL" in message
    assert "hunter2" not in message  # never print the password
    assert "\n" not in message


def test_malformed_database_url_is_a_config_error() -> None:
    settings = Settings(_env_file=None, database_url="not a url")
    with pytest.raises(ConfigError, match="NIGHTSHIFT_DATABASE_URL"):
        get_engine(settings)
