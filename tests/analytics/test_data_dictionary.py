"""docs/data-dictionary.md cannot drift from the migrated schema.

A section starts at a heading naming one or more relations (`schema.name`); its text must name
every column of them as `column`, list no column they lack, and state who can read them.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sqlalchemy import Engine, text

from pipelines.db import migrate
from pipelines.db.roles import ANALYST_ROLE
from pipelines.paths import REPO_ROOT

DICTIONARY = (REPO_ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
# The foundation's schemas and any a later migration adds (its module's SCHEMAS).
SCHEMAS = [
    schema
    for revision in reversed(list(migrate.script_directory().walk_revisions()))
    for schema in getattr(revision.module, "SCHEMAS", ())
]


def _sections(markdown: str) -> dict[str, str]:
    """relation -> text of the section whose heading names it."""
    sections = {}
    for block in re.split(r"^(?=#+ )", markdown, flags=re.M):
        heading, _, body = block.partition("\n")
        for relation in re.findall(r"`(\w+\.\w+)`", heading):
            sections[relation] = body
    return sections


SECTIONS = _sections(DICTIONARY)


@pytest.fixture(scope="module")
def columns(engine: Engine) -> dict[str, set[str]]:
    """relation -> its columns, for every table and view of the project's schemas."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select n.nspname || '.' || c.relname as relation, a.attname as column_name"
                " from pg_class c"
                " join pg_namespace n on n.oid = c.relnamespace"
                " join pg_attribute a on a.attrelid = c.oid and a.attnum > 0"
                "  and not a.attisdropped"
                " where n.nspname = any(:schemas) and c.relkind in ('r', 'p', 'v', 'm', 'f')"
                # A month partition is storage of its table, documented with it.
                "  and not c.relispartition"
            ),
            {"schemas": SCHEMAS},
        ).all()
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        found[row.relation].add(row.column_name)
    return dict(found)


def test_every_table_and_view_has_a_section(columns: dict[str, set[str]]) -> None:
    assert sorted(set(columns) - set(SECTIONS)) == []


def test_no_section_describes_a_relation_that_does_not_exist(
    columns: dict[str, set[str]],
) -> None:
    assert sorted(set(SECTIONS) - set(columns)) == []


def test_every_column_is_named_in_its_section(columns: dict[str, set[str]]) -> None:
    unnamed = {
        f"{relation}.{column}"
        for relation, names in columns.items()
        for column in names
        if f"`{column}`" not in SECTIONS.get(relation, "")
    }
    assert sorted(unnamed) == []


def test_column_tables_list_only_existing_columns(columns: dict[str, set[str]]) -> None:
    stale = {
        f"{relation}.{column}"
        for relation, body in SECTIONS.items()
        for column in re.findall(r"^\| `(\w+)` \|", body, flags=re.M)
        if column not in columns.get(relation, set())
    }
    assert sorted(stale) == []


def test_stated_access_matches_the_analyst_role(
    engine: Engine, columns: dict[str, set[str]]
) -> None:
    with engine.connect() as conn:
        readable = {
            relation: conn.execute(
                text("select has_table_privilege(:role, :relation, 'select')"),
                {"role": ANALYST_ROLE, "relation": relation},
            ).scalar()
            for relation in set(SECTIONS) & set(columns)
        }
    for relation, can_read in readable.items():
        stated = re.search(r"\*\*Access:\*\* (analyst|restricted)", SECTIONS[relation])
        assert stated, f"{relation}: no **Access:** line"
        assert (stated.group(1) == "analyst") == can_read, relation
