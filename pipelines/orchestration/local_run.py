"""One real DAG run, in this process, on the configured metadata database (``dag.test``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipelines.orchestration.airflow_env import apply_airflow_environment
from pipelines.paths import DAGS_DIR
from pipelines.settings import Settings
from pipelines.window import SCHEDULE_TIME

DAG_ID = "nightshift_nightly"


@dataclass(frozen=True)
class TaskOutcome:
    task_id: str
    state: str
    duration_s: float | None


@dataclass(frozen=True)
class DagRunOutcome:
    dag_run_id: str
    state: str
    logical_date: datetime
    tasks: tuple[TaskOutcome, ...]

    @property
    def succeeded(self) -> bool:
        return self.state == "success"


def logical_datetime(day: date, tz: ZoneInfo) -> datetime:
    """The scheduled time of the run whose logical date is ``day`` (02:00 business time)."""
    return datetime.combine(day, SCHEDULE_TIME, tzinfo=tz)


# One training slot: two backfill runs never train at the same time (they would fight over the
# CPU or GPU and over the champion alias). On a GPU worker this pool maps to its queue.
TRAINER_POOL = "trainer"


def migrate_airflow_metadata() -> None:
    """``airflow db migrate`` and the pools the DAGs use, in process; quick when current."""
    from airflow.models.pool import Pool
    from airflow.utils.db import upgradedb

    upgradedb()
    Pool.create_or_update_pool(
        TRAINER_POOL, 1, "model training: one at a time", include_deferred=False
    )


def run_dag(settings: Settings, day: date, dag_id: str = DAG_ID) -> DagRunOutcome:
    apply_airflow_environment(settings)
    migrate_airflow_metadata()

    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    dag = bag.get_dag(dag_id)
    dag_run = dag.test(logical_date=logical_datetime(day, settings.tz))
    tasks = tuple(
        TaskOutcome(ti.task_id, str(ti.state), ti.duration)
        for ti in sorted(
            dag_run.get_task_instances(), key=lambda ti: (ti.start_date is None, ti.start_date)
        )
    )
    return DagRunOutcome(dag_run.run_id, str(dag_run.state), dag_run.logical_date, tasks)
