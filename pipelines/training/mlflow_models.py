"""Logging nightshift's models to MLflow as pyfunc models, and loading champions back.

Each model object (a TrafficForecaster, a SalesForecaster, ...) is pickled into the run as an
artifact behind a small ``PythonModel``; inference resolves ``models:/<name>@champion`` and gets
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


def load_champion(model_name: str) -> tuple[Any, str] | None:
    """The champion's domain object and its registry version, or None without a champion.

    Raises ChampionUnreadable when the champion was saved by an incompatible version of the
    model code (e.g. after a change of architecture), so training can say so and start cold.
    """
    from pipelines.training.promotion import CHAMPION, champion_version

    version = champion_version(model_name)
    if version is None:
        return None
    try:
        loaded = mlflow.pyfunc.load_model(f"models:/{model_name}@{CHAMPION}")
        return loaded.unwrap_python_model().model, version
    except Exception as error:  # unpickling runs the model's own code: any error is possible
        raise ChampionUnreadable(f"{model_name} v{version}: {error}".splitlines()[0]) from error


def try_load_champion(model_name: str) -> tuple[tuple[Any, str] | None, str | None]:
    """(champion, None), or (None, why) when the champion exists but cannot be read."""
    try:
        return load_champion(model_name), None
    except ChampionUnreadable as error:
        return None, str(error)
