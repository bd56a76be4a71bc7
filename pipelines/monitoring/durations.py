"""The night's task durations, as Airflow recorded them, into monitoring.task_durations.

Read from Airflow's metadata database (``task_instance`` joined to ``dag_run``): the durations
are Airflow's own, not clocked by the tasks. The database is the one Airflow runs on
(``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN``, which every task process has), else
``NIGHTSHIFT_AIRFLOW_DATABASE`` on the warehouse's server. The ``monitor`` task records the
tasks finished before it, ``close_run`` refreshes the list at the end of the night; outside
Airflow (or when its database cannot be read) nothing is recorded and the night goes on.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

log = logging.getLogger(__name__)
NIGHTLY_DAG_ID = "nightshift_nightly"


def _airflow_engine(settings: Settings) -> Engine:
    url = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "")
    # Airflow 3's task processes get a blocked URL ("airflow-db-not-allowed:///") so that task
    # code cannot use its ORM; the durations are read with plain SQL from the configured
    # metadata database instead (NIGHTSHIFT_AIRFLOW_DATABASE on the warehouse's server).
    if not url.startswith("postgresql"):
        from pipelines.db.engine import airflow_url

        url = airflow_url(settings).render_as_string(hide_password=False)
    return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})


def task_instances(settings: Settings, dag_id: str, run_id: str) -> list[dict[str, Any]]:
    """The run's task instances (empty when Airflow's database has none or cannot be read)."""
    engine = _airflow_engine(settings)
    try:
        with engine.connect() as conn:
            rows = (
                conn.execute(
                    sql("monitoring/airflow_task_instances"), {"dag_id": dag_id, "run_id": run_id}
                )
                .mappings()
                .all()
            )
    except SQLAlchemyError as error:
        log.warning("task durations not recorded: Airflow's database: %s", error)
        return []
    finally:
        engine.dispose()
    return [dict(row) for row in rows]


def _seconds(row: dict[str, Any]) -> float | None:
    if row["duration"] is not None:
        return float(row["duration"])
    start, end = row["start_date"], row["end_date"]
    if isinstance(start, datetime) and isinstance(end, datetime):
        return (end - start).total_seconds()
    return None


def record(
    engine: Engine, settings: Settings, window: RunWindow, dag_id: str = NIGHTLY_DAG_ID
) -> int:
    """Replace the business date's task durations with the run's; the number recorded."""
    instances = task_instances(settings, dag_id, window.dag_run_id)
    if not instances:
        return 0
    rows = [
        {
            "business_date": window.business_date,
            "logical_date": row["logical_date"],
            "dag_run_id": window.dag_run_id,
            "task_id": row["task_id"],
            "state": None if row["state"] is None else str(row["state"]),
            "duration_s": _seconds(row),
            "try_number": row["try_number"],
            "started_at": row["start_date"],
            "ended_at": row["end_date"],
        }
        for row in instances
    ]
    with engine.begin() as conn:
        conn.execute(sql("monitoring/durations_delete"), {"business_date": window.business_date})
        conn.execute(sql("monitoring/durations_insert"), rows)
    return len(rows)
