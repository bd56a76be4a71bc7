"""Running a dashboard panel's SQL as Grafana does: as the analyst role, SQL text unchanged."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine

from pipelines.db.roles import ANALYST_ROLE
from pipelines.monitoring.dashboards import DASHBOARDS, Dashboard, Panel, panel_sql

EVERY_PANEL = [(d, p) for d in DASHBOARDS for p in d.panels]


def panel_id(case: tuple[Dashboard, Panel]) -> str:
    return f"{case[0].name}/{case[1].name}"


def run_panel(engine: Engine, dashboard: Dashboard, panel: Panel) -> tuple[list[str], list[Any]]:
    """(column names, rows) of the panel's query, run as the analyst role Grafana logs in as.

    No bind parameters (Grafana sends none), so the driver leaves the text alone."""
    with engine.connect() as conn:  # closing rolls back, and SET LOCAL ends with it
        conn.exec_driver_sql(f"set local role {ANALYST_ROLE}")
        result = conn.execution_options(no_parameters=True).exec_driver_sql(
            panel_sql(dashboard, panel)
        )
        return list(result.keys()), [tuple(row) for row in result]


def monitoring_tables(dashboard: Dashboard, panel: Panel) -> set[str]:
    return set(re.findall(r"\bmonitoring\.\w+", panel_sql(dashboard, panel)))


def check_every_panel(engine: Engine) -> None:
    """Every panel's SQL runs as the analyst role on ``engine`` (after a real night) and returns
    exactly its panel's columns; a panel returns rows whenever every monitoring table it reads
    holds some (the monitoring tables a night leaves empty, e.g. no degradation, excepted; and
    model_performance, which on a first night holds only the models whose actuals landed)."""
    with engine.connect() as conn:
        filled = {
            table
            for table in {t for d, p in EVERY_PANEL for t in monitoring_tables(d, p)}
            if table != "monitoring.model_performance"
            and conn.exec_driver_sql(f"select exists (select from {table})").scalar()
        }
    for dashboard, panel in EVERY_PANEL:
        columns, rows = run_panel(engine, dashboard, panel)
        name = panel_id((dashboard, panel))
        assert tuple(columns) == panel.columns, f"{name} returns {columns}"
        if monitoring_tables(dashboard, panel) <= filled:
            assert rows, f"{name} shows nothing after the night"
