"""With NIGHTSHIFT_REPORT_SEND_TIME the managers' emails wait for the morning, deferred."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

_INSPECT = """
import json
import jinja2
import pendulum
from airflow.dag_processing.dagbag import DagBag

dag = DagBag(dag_folder="dags").dags["nightshift_nightly"]
hold = dag.task_dict.get("hold_until_morning")
result = {"hold": hold is not None}
if hold is not None:
    end = pendulum.datetime(2026, 11, 22, 7, 0, tz="UTC")  # = 02:00 in Lima, the run's end
    target = jinja2.Template(hold.target_time).render(data_interval_end=end)
    result |= {
        "target": target,
        "deferrable": type(hold).__name__.endswith("Async"),
        "before": sorted(hold.downstream_task_ids),
        "timeout_h": dag.dagrun_timeout.total_seconds() / 3600,
    }
print(json.dumps(result))
"""


def _inspect(send_time: str | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "NIGHTSHIFT_REPORT_SEND_TIME"}
    if send_time is not None:
        env["NIGHTSHIFT_REPORT_SEND_TIME"] = send_time
    done = subprocess.run(
        [sys.executable, "-c", _INSPECT], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("send_time", "target"),
    [("07:00", "2026-11-22T07:00:00-05:00"), ("06:30", "2026-11-22T06:30:00-05:00")],
)
def test_emails_wait_until_the_morning_of_the_logical_date(send_time: str, target: str) -> None:
    hold = _inspect(send_time)
    assert hold["target"] == target  # business time, on the morning after the business date
    assert hold["deferrable"]  # waits in the triggerer, not in a worker slot
    assert hold["before"] == ["staffing_emails"]
    assert float(hold["timeout_h"]) >= 7  # the run may last from 02:00 past the morning


def test_without_a_send_time_emails_go_out_when_the_plan_is_ready() -> None:
    assert _inspect(None) == {"hold": False}
