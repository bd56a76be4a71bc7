"""Train: the night's MLflow run, tagged with the run window and its training data window.

The three models (traffic RNN, sales forest, sentiment + churn) log into this run's experiment
as they land; what is here now records the window each night trains on, so every later model
version can be traced back to its data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pipelines.settings import Settings
from pipelines.tracking import configure_mlflow
from pipelines.window import RunWindow

TRAINING_HISTORY_DAYS = 2 * 365


def open_training_run(settings: Settings, window: RunWindow) -> dict[str, Any]:
    import mlflow

    configure_mlflow(settings)
    train_start = window.business_date - timedelta(days=TRAINING_HISTORY_DAYS - 1)
    with mlflow.start_run(
        run_name=f"nightly-{window.business_date}",
        tags={
            "nightshift.business_date": window.business_date.isoformat(),
            "nightshift.logical_date": window.logical_date.isoformat(),
            "nightshift.dag_run_id": window.dag_run_id,
        },
    ) as run:
        mlflow.log_params(
            {
                "train_window_start": train_start.isoformat(),
                "train_window_end": window.business_date.isoformat(),
            }
        )
    return {"mlflow_run_id": run.info.run_id}
