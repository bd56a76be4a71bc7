"""Migrations run the SQL they were written with, forever.

An old revision must build the same schema on a new database as it did on the old ones, so
editing a live ``sql/analytics`` file must not change what revision 0006 creates, and editing a
migration's frozen copy must stop the migration instead of running something else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from pipelines import paths
from pipelines.db import frozen_sql, migrate
from pipelines.errors import NightshiftError


def _revisions_in_order() -> list[str]:
    script = migrate.script_directory()
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_editing_a_live_view_file_does_not_change_an_old_migration(
    fresh_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = tmp_path / "sql"
    shutil.copytree(paths.SQL_DIR, edited)
    stores = edited / "analytics" / "stores.sql"
    stores.write_text(
        stores.read_text("utf-8").replace(
            "    opened_on\n", "    opened_on,\n    1 as edited_later\n"
        ),
        "utf-8",
    )
    monkeypatch.setattr(paths, "SQL_DIR", edited)

    migrate.upgrade(fresh_engine, "0006_analytics")

    columns = {c["name"] for c in inspect(fresh_engine).get_columns("stores", schema="analytics")}
    assert "opened_on" in columns
    assert "edited_later" not in columns


def test_an_edited_frozen_copy_stops_the_migration(
    fresh_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = tmp_path / "frozen"
    shutil.copytree(frozen_sql.FROZEN_DIR, frozen)
    view = frozen / "0006_analytics" / "model_history.sql"
    view.write_text(view.read_text("utf-8") + "\n-- a later edit\n", "utf-8")
    monkeypatch.setattr(frozen_sql, "FROZEN_DIR", frozen)

    with pytest.raises(NightshiftError, match=r"model_history\.sql was edited"):
        migrate.upgrade(fresh_engine, "0006_analytics")


def test_each_live_view_file_is_the_newest_frozen_copy() -> None:
    newest: dict[str, tuple[str, str]] = {}
    for revision in _revisions_in_order():
        for path in sorted((frozen_sql.FROZEN_DIR / revision).glob("*.sql")):
            newest[path.stem] = (revision, path.read_text("utf-8"))
    live = sorted((paths.SQL_DIR / "analytics").glob("*.sql"))
    assert live, "no analytics views found"
    for path in live:
        assert path.stem in newest, f"{path.name}: no migration creates this view"
        revision, text = newest[path.stem]
        assert path.read_text("utf-8") == text, (
            f"sql/analytics/{path.name} differs from the copy frozen by {revision}: "
            "change a view with a new migration that freezes the new text"
        )


def test_every_frozen_directory_belongs_to_a_migration() -> None:
    revisions = set(_revisions_in_order())
    for directory in frozen_sql.FROZEN_DIR.iterdir():
        assert directory.name in revisions, f"{directory} names no migration"
