"""A one-task DAG whose task always fails, wired to the failure alert like the nightly DAG.

Loaded only by tests/test_alerts.py (never from the project's DAG folder): it proves that a
real Airflow failure callback context produces the alert email.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, task

from pipelines.settings import get_settings

TIMEZONE = get_settings().timezone
ERROR = "the probe fails on purpose\nsecond line of the error"


def _alert(context: Any) -> None:
    from pipelines import alerts

    alerts.notify_task_failure(context)


@dag(
    dag_id="nightshift_alert_probe",
    # The nightly DAG's timetable, so the business date is derived as for a real night.
    schedule=CronTriggerTimetable("0 2 * * *", timezone=TIMEZONE),
    start_date=pendulum.datetime(2024, 1, 1, tz=TIMEZONE),
    catchup=False,
    default_args={"retries": 0, "on_failure_callback": _alert},
)
def nightshift_alert_probe() -> None:
    @task
    def explode() -> None:
        raise RuntimeError(ERROR)

    explode()


nightshift_alert_probe()
