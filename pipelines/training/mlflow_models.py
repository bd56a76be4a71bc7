"""Logging nightshift's models to MLflow as pyfunc models, and loading champions back.

Each model object (a TrafficForecaster, a SalesForecaster, ...) is pickled into the run as an
artifact behind a small ``PythonModel``; inference resolves ``models:/<name>/<version>`` and gets
the domain object back, so the pipeline calls its rich methods (quantiles, counterfactuals)
rather than a lowest-common-denominator ``predict``.
"""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

# Pinned instead of inferred: inference of requirements is slow and was wrong (NOTES.md).
PIP_REQUIREMENTS = ["nightshift", "pandas", "numpy", "scikit-learn", "torch"]


class PickledModel(mlflow.pyfunc.PythonModel):  # type: ignore[misc,name-defined]
    """Holds one domain model object; ``predict`` delegates to its ``predict_frame``."""

    def load_context(self, context: Any) -> None:
        with open(context.artifacts["model"], "rb") as handle:
            self.model = pickle.load(handle)

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        return self.model.predict_frame(model_input)


def log_pickled_model(
    model: Any, name: str, input_example: pd.DataFrame, output_example: pd.DataFrame
) -> str:
    """Log ``model`` in the active run; returns the model URI to register."""
    from mlflow.models import infer_signature

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pkl"
        path.write_bytes(pickle.dumps(model))
        info = mlflow.pyfunc.log_model(
            name=name,
            python_model=PickledModel(),
            artifacts={"model": str(path)},
            signature=infer_signature(input_example, output_example),
            input_example=input_example,
            pip_requirements=PIP_REQUIREMENTS,
        )
    return str(info.model_uri)


class ChampionUnreadable(Exception):
    """The registered champion cannot be loaded by this version of the code."""


def load_version(model_name: str, version: str) -> tuple[Any, str]:
    """One registered version's domain object (and the version).

    Raises ChampionUnreadable when it was saved by an incompatible version of the model code
    (e.g. after a change of architecture), so training can say so and start cold.
    """
    try:
        loaded = mlflow.pyfunc.load_model(f"models:/{model_name}/{version}")
        return loaded.unwrap_python_model().model, version
    except Exception as error:  # unpickling runs the model's own code: any error is possible
        raise ChampionUnreadable(f"{model_name} v{version}: {error}".splitlines()[0]) from error


def load_champion(model_name: str) -> tuple[Any, str] | None:
    """The production champion (the ``champion`` alias), or None without one."""
    from pipelines.training.promotion import champion_version

    version = champion_version(model_name)
    return None if version is None else load_version(model_name, version)


def try_load(model_name: str, version: str | None) -> tuple[tuple[Any, str] | None, str | None]:
    """(model, None); (None, None) without a version; (None, why) when it cannot be read."""
    if version is None:
        return None, None
    try:
        return load_version(model_name, version), None
    except ChampionUnreadable as error:
        return None, str(error)
