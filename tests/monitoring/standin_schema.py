"""STAND-IN until migration 0008_monitoring lands: the ``monitoring`` tables as agreed with it.

Issue #13's parts 1-3 (another branch) create these tables with migration 0008_monitoring; the
dashboards and the Pushgateway figures of part 4 read them. So that part 4's tests run before
the merge, this module creates exactly the agreed columns (``create ... if not exists``) and
grants the analyst role (Grafana's login) read access, as 0008 must. At the merge, replace
``ensure_monitoring_tables`` with the real migration and delete this file.
"""

from __future__ import annotations

from sqlalchemy import Engine

from pipelines.db.roles import ANALYST_ROLE

DDL = f"""
create schema if not exists monitoring;
create table if not exists monitoring.model_performance (
    business_date date not null,
    model_name text not null,
    model_version text,
    run_id text,
    scope text not null,
    store_id text,
    metric text not null,
    value double precision,
    n_obs integer,
    window_days integer,
    computed_at timestamptz default now()
);
create table if not exists monitoring.feature_drift (
    business_date date not null,
    model_name text not null,
    model_version text,
    run_id text,
    feature text not null,
    test_name text not null,
    statistic double precision,
    p_value double precision,
    threshold double precision,
    drifted boolean not null
);
create table if not exists monitoring.data_quality (
    business_date date not null,
    source text not null,
    metric text not null,
    detail text,
    value double precision
);
create table if not exists monitoring.task_durations (
    business_date date not null,
    logical_date timestamptz,
    dag_run_id text,
    task_id text not null,
    state text,
    duration_s double precision,
    try_number integer
);
create table if not exists monitoring.degradation_events (
    business_date date not null,
    model_name text not null,
    model_version text,
    metric text not null,
    value double precision,
    threshold double precision,
    direction text,
    report_path text,
    action text,
    alerted boolean,
    resolved_on date
);
grant usage on schema monitoring to {ANALYST_ROLE};
grant select on all tables in schema monitoring to {ANALYST_ROLE};
"""


def ensure_monitoring_tables(engine: Engine) -> None:
    """Create the agreed ``monitoring`` tables where they do not exist yet (see the docstring)."""
    with engine.begin() as conn:
        conn.exec_driver_sql(DDL)
