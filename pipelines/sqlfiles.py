"""Load the project's SQL from ``sql/<area>/<name>.sql`` (parameterised with ``:name`` binds)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import TextClause, text

from pipelines.paths import SQL_DIR


@cache
def sql(name: str) -> TextClause:
    """``sql("ops/pipeline_run_start")`` -> the statement in ``sql/ops/pipeline_run_start.sql``."""
    path = SQL_DIR / f"{name}.sql"
    return text(path.read_text(encoding="utf-8"))
