"""MLflow set-up: one experiment for the nightly runs, artifacts under the data dir by default."""

from __future__ import annotations

import os

from pipelines.settings import Settings

EXPERIMENT = "nightshift_nightly"


def configure_mlflow(settings: Settings) -> str:
    """Point MLflow at the configured store and return the nightly experiment's id."""
    # MLflow phones home for telemetry unless told not to; this machine has no such network.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    from mlflow.exceptions import MlflowException

    if settings.mlflow_tracking_uri is None:
        settings.mlflow_dir.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(settings.tracking_uri)
    experiment = mlflow.get_experiment_by_name(EXPERIMENT)
    if experiment is None:
        # A remote tracking server decides where artifacts go; the local store keeps them here.
        location = (
            (settings.mlflow_dir / "artifacts").as_uri()
            if settings.mlflow_tracking_uri is None
            else None
        )
        try:
            experiment_id = mlflow.create_experiment(EXPERIMENT, artifact_location=location)
        except MlflowException:  # another task created it first
            experiment_id = mlflow.get_experiment_by_name(EXPERIMENT).experiment_id  # type: ignore[union-attr]
    else:
        experiment_id = experiment.experiment_id
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id
