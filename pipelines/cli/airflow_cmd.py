"""``nightshift airflow``: Airflow's own CLI with nightshift's environment applied."""

from __future__ import annotations

import os
import shutil
import sys

import typer

from pipelines.settings import get_settings


def airflow(ctx: typer.Context) -> None:
    """Run an `airflow` command on nightshift's metadata database and DAGs.

    Examples: `nightshift airflow dags list-runs nightshift_nightly`,
    `nightshift airflow dags list`, `nightshift airflow db migrate`.
    """
    from pipelines.orchestration.airflow_env import apply_airflow_environment

    apply_airflow_environment(get_settings())
    # Some Airflow commands start `airflow ...` subprocesses: they must find the venv's one.
    bin_dir = os.path.dirname(sys.executable)
    os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    executable = shutil.which("airflow", path=bin_dir) or "airflow"
    os.execv(executable, [executable, *ctx.args])
