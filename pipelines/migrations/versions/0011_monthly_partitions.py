"""Monthly partitions for the tables that grow every night; promotions as known on a date.

raw and core POS lines and door counts (by business date), the traffic and sales forecasts and
the churn scores (by run date) become declaratively partitioned by month, so replacing one date
touches one month's partition whatever the history, and old months can be detached or dropped
whole. Each keeps a default partition as a safety net; ``ops.ensure_month_partition(table, day)``
(frozen SQL) creates a month's partition when a writer first needs it, moving any rows of that
month out of the default one. The conversion: a partitioned twin is created, the rows copied,
the old table dropped and the twin takes its name; the views reading these tables are dropped
first and recreated from their own definitions, with their grants.

A primary key of a partitioned table must contain the partition key: core.pos_lines becomes
(business_date, ticket_id, line_id) and core.door_counts (business_date, store_id, ts_local),
each with an index on the old key (the publish steps keep a ticket or an hour published on
another date out, as the old keys did). raw.* ``raw_id`` is an identity column, which
partitioned tables cannot have in PostgreSQL 16: it becomes a sequence default, values kept.

``core.promotions_as_of(first, last, as_of)`` (frozen SQL): the marketing calendar as a night
knew it, from the exports themselves, so nights running side by side (or re-run later) read the
same plan whatever later nights have published since.

Revision ID: 0011_monthly_partitions
Revises: 0010_margins
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import NamedTuple

from alembic import op

from pipelines.db.frozen_sql import execute_frozen

revision = "0011_monthly_partitions"
down_revision = "0010_margins"
branch_labels = None
depends_on = None

FUNCTIONS = {
    "ensure_month_partition": "c3e05bf8f05e690ab9643271e30f2df6de088d0ec790dfb5332fc675c8af7a50",
    "promotions_as_of": "ebea21940e5ce9dc744e0717a975673478419dc5ed08153559a5f2405b165112",
}


# NamedTuples, not dataclasses: Alembic loads migrations outside sys.modules, which dataclasses
# need to resolve postponed annotations.
class Table(NamedTuple):
    name: str  # schema.table
    key: str  # the partition key
    primary_key: tuple[str, ...] = ()  # partitioned: must start with (contain) the key
    old_primary_key: tuple[str, ...] = ()
    indexes: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (name, method, columns)
    old_indexes: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, referenced table(column))
    identity: str | None = None  # raw_id

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def table(self) -> str:
        return self.name.split(".")[1]


STORE_FK = (("store_id", "ref.stores(store_id)"),)
TABLES = (
    Table(
        "raw.pos_lines", "business_date", identity="raw_id",
        indexes=(("pos_lines_business_date_brin", "brin", ("business_date",)),),
        old_indexes=(("pos_lines_business_date_brin", "brin", ("business_date",)),),
    ),
    Table(
        "raw.door_counts", "business_date", identity="raw_id",
        indexes=(("door_counts_business_date_brin", "brin", ("business_date",)),),
        old_indexes=(("door_counts_business_date_brin", "brin", ("business_date",)),),
    ),
    Table(
        "core.pos_lines", "business_date",
        primary_key=("business_date", "ticket_id", "line_id"),
        old_primary_key=("ticket_id", "line_id"),
        indexes=(("pos_lines_ticket_line", "btree", ("ticket_id", "line_id")),
                 ("pos_lines_store_ts", "btree", ("store_id", "ts_local"))),
        old_indexes=(("ix_core_pos_lines_business_date", "btree", ("business_date",)),
                     ("pos_lines_store_ts", "btree", ("store_id", "ts_local"))),
        foreign_keys=STORE_FK,
    ),
    Table(
        "core.door_counts", "business_date",
        primary_key=("business_date", "store_id", "ts_local"),
        old_primary_key=("store_id", "ts_local"),
        indexes=(("door_counts_store_ts", "btree", ("store_id", "ts_local")),),
        old_indexes=(("ix_core_door_counts_business_date", "btree", ("business_date",)),),
        foreign_keys=STORE_FK,
    ),
    Table(
        "forecast.traffic_hourly", "run_date",
        primary_key=("run_date", "store_id", "ts_local"),
        old_primary_key=("run_date", "store_id", "ts_local"),
        foreign_keys=STORE_FK,
    ),
    Table(
        "forecast.sales_daily", "run_date",
        primary_key=("run_date", "store_id", "date", "category"),
        old_primary_key=("run_date", "store_id", "date", "category"),
        foreign_keys=STORE_FK,
    ),
    Table(
        "loyalty.churn_scores", "run_date",
        primary_key=("run_date", "customer_key"),
        old_primary_key=("run_date", "customer_key"),
        foreign_keys=STORE_FK,
    ),
)  # fmt: skip


def upgrade() -> None:
    views = _drop_dependent_views()
    for table in TABLES:
        _rebuild(table, partitioned=True)
    _recreate_views(views)
    execute_frozen(revision, FUNCTIONS)


def downgrade() -> None:
    op.execute("drop function if exists core.promotions_as_of(date, date, date)")
    op.execute("drop function if exists ops.ensure_month_partition(regclass, date)")
    views = _drop_dependent_views()
    for table in TABLES:
        _rebuild(table, partitioned=False)
    _recreate_views(views)


def _rebuild(table: Table, partitioned: bool) -> None:
    """Replace ``table`` by a (non-)partitioned twin holding the same rows, grants, keys."""
    bind = op.get_bind()
    old = f"{table.schema}.{table.table}__old"
    grants = bind.exec_driver_sql(
        "select grantee, string_agg(privilege_type, ', ') from information_schema.role_table_grants"
        f" where table_schema = '{table.schema}' and table_name = '{table.table}'"
        " and grantee <> current_user group by grantee"
    ).all()
    comment = bind.exec_driver_sql(
        f"select obj_description('{table.name}'::regclass, 'pg_class')"
    ).scalar()
    op.execute(f"alter table {table.name} rename to {table.table}__old")
    partition = f" partition by range ({table.key})" if partitioned else ""
    op.execute(
        f"create table {table.name} (like {old} including defaults including constraints"
        f" including storage including comments){partition}"
    )
    if table.identity and not partitioned:  # the default reads the old table's sequence
        op.execute(f"alter table {table.name} alter column {table.identity} drop default")
    if partitioned:
        months = bind.exec_driver_sql(
            f"select distinct date_trunc('month', {table.key})::date from {old} order by 1"
        ).scalars()
        for month in months:
            op.execute(
                f"create table {table.name}_{month:%Y%m} partition of {table.name}"
                f" for values from ('{month}') to ('{month}'::date + interval '1 month')"
            )
        op.execute(f"create table {table.name}_default partition of {table.name} default")
    op.execute(f"insert into {table.name} select * from {old}")
    last_id = None
    if table.identity:
        last_id = bind.exec_driver_sql(f"select max({table.identity}) from {old}").scalar()
    op.execute(f"drop table {old}")
    if table.identity:
        _identity(table, partitioned, last_id)
    key = table.primary_key if partitioned else table.old_primary_key
    if key:
        op.execute(
            f"alter table {table.name} add constraint {table.table}_pkey"
            f" primary key ({', '.join(key)})"
        )
    for name, method, columns in table.indexes if partitioned else table.old_indexes:
        op.execute(f"create index {name} on {table.name} using {method} ({', '.join(columns)})")
    for column, target in table.foreign_keys:
        op.execute(
            f"alter table {table.name} add constraint {table.table}_{column}_fkey"
            f" foreign key ({column}) references {target}"
        )
    for grantee, privileges in grants:
        op.execute(f'grant {privileges} on {table.name} to "{grantee}"')
    if comment is not None:
        bind.exec_driver_sql(f"comment on table {table.name} is %s", (comment,))


def _identity(table: Table, partitioned: bool, last_id: int | None) -> None:
    """raw_id: a sequence default on a partitioned table (PostgreSQL 16 has no identity
    columns there), the original identity column otherwise; numbering goes on either way."""
    column, start = table.identity, (last_id or 0) + 1
    sequence = f"{table.name}_{column}_seq"
    if partitioned:
        op.execute(f"create sequence {sequence} as bigint start with {start} owned by none")
        op.execute(
            f"alter table {table.name} alter column {column} set default nextval('{sequence}')"
        )
        op.execute(f"alter sequence {sequence} owned by {table.name}.{column}")
    else:  # the sequence went with the partitioned table, which owned it
        op.execute(
            f"alter table {table.name} alter column {column}"
            f" add generated by default as identity (start with {start})"
        )


def _drop_dependent_views() -> list[View]:
    """Drop every view reading these tables (or such a view), dependants first; returns what
    recreates them (definition, comments, grants), in creation order."""
    bind = op.get_bind()
    names = ", ".join(f"'{t.name}'::regclass" for t in TABLES)
    rows = bind.exec_driver_sql(
        f"""
        with recursive dependants(oid, depth) as (
            select distinct r.ev_class, 1
            from pg_depend d join pg_rewrite r on r.oid = d.objid
            where d.refobjid in ({names}) and r.ev_class <> d.refobjid
            union
            select r.ev_class, dependants.depth + 1
            from dependants
            join pg_depend d on d.refobjid = dependants.oid
            join pg_rewrite r on r.oid = d.objid
            where r.ev_class <> d.refobjid
        )
        select c.oid::regclass::text, max(depth), pg_get_viewdef(c.oid)
        from dependants join pg_class c on c.oid = dependants.oid
        where c.relkind = 'v'
        group by c.oid order by max(depth) desc
        """
    ).all()
    views = []
    for name, _, definition in rows:
        schema, view = name.split(".")
        grants = bind.exec_driver_sql(
            "select grantee, string_agg(privilege_type, ', ')"
            " from information_schema.role_table_grants"
            f" where table_schema = '{schema}' and table_name = '{view}'"
            " and grantee <> current_user group by grantee"
        ).all()
        comments = bind.exec_driver_sql(
            f"select null::text, obj_description('{name}'::regclass, 'pg_class') union all"
            f" select quote_ident(attname), col_description(attrelid, attnum) from pg_attribute"
            f" where attrelid = '{name}'::regclass and attnum > 0 and not attisdropped"
        ).all()
        described = [(column, text) for column, text in comments if text is not None]
        views.append(View(name, definition, [(g, p) for g, p in grants], described))
        op.execute(f"drop view {name}")
    return list(reversed(views))


class View(NamedTuple):
    name: str
    definition: str
    grants: list[tuple[str, str]]
    comments: list[tuple[str | None, str]]  # (column, text); column None: the view's own


def _recreate_views(views: list[View]) -> None:
    bind = op.get_bind()
    for view in views:
        bind.exec_driver_sql(f"create view {view.name} as {view.definition}")
        for column, comment in view.comments:
            target = f"view {view.name}" if column is None else f"column {view.name}.{column}"
            bind.exec_driver_sql(f"comment on {target} is %s", (comment,))
        for grantee, privileges in view.grants:
            op.execute(f'grant {privileges} on {view.name} to "{grantee}"')
