"""Logging nightshift's models to MLflow in formats that load without running stored code.

Trust boundary: anyone who can write to the MLflow registry (or its artifact store) chooses
what the workers load. A pickle runs arbitrary code when it is loaded, so nightshift never
unpickles a registry artifact. Each model version carries ``artifacts/nightshift_model/`` with
``manifest.json`` naming one of these formats, and ``load_version`` reads only these:

- ``skops`` (``sales_rf``, ``customer_churn``): the scikit-learn model with its feature
  pipeline, via skops, which builds objects only of the types in ``TRUSTED_TYPES`` (listed
  here, in code; never taken from the artifact) and refuses any other;
- ``torch_state`` (``traffic_rnn``): the network's weights as safetensors (plain tensors,
  no code) and its settings as JSON; the module is rebuilt from this code;
- ``hf_directory`` (``review_sentiment``): a Hugging Face directory, loaded with
  ``use_safetensors=True`` and without remote code (tokenizer files are JSON/text).

Anything else (a version logged by an older nightshift as a pickle, a manifest naming
another format, an untrusted type) raises ``ChampionUnreadable`` with what to do: training
then starts cold (as after any incompatible change) and serving refuses, telling to retrain.

The pyfunc flavour logged next to it (``python_model``: the code file ``pyfunc_entry.py``, no
pickle) is for MLflow's own tools (``mlflow models serve``, the UI's signature and example);
loading it through ``mlflow.pyfunc.load_model`` imports code stored in the registry, so do
that only with a registry you trust. nightshift's workers never do.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from pipelines.errors import NightshiftError

# Pinned instead of inferred: MLflow's inference of requirements took seconds per model and
# was wrong (it listed torch and pytest for a random forest).
PIP_REQUIREMENTS = ["nightshift", "pandas", "numpy", "scikit-learn", "skops", "torch",
                    "safetensors"]  # fmt: skip
ARTIFACT = "nightshift_model"  # artifacts/<ARTIFACT>/ inside the logged model
MANIFEST = "manifest.json"
FORMAT_VERSION = 1
PYFUNC_ENTRY = Path(__file__).with_name("pyfunc_entry.py")

# The only types skops may build beyond its own defaults (plain numpy/sklearn estimators):
# nightshift's model classes and the scikit-learn internals they hold.
TRUSTED_TYPES: tuple[str, ...] = (
    "pipelines.training.sales.SalesModel",
    "models.sales.forest.SalesForecaster",
    "models.sales.config.SalesConfig",
    "sklearn.tree._tree.Tree",
    "pipelines.training.churn.ChurnScorer",
    "models.loyalty.churn.ChurnModel",
    "models.loyalty.churn.ChurnConfig",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)


class ChampionUnreadable(NightshiftError):
    """A registered version cannot be loaded (safely) by this version of the code."""


class NightshiftPyfunc(mlflow.pyfunc.PythonModel):  # type: ignore[misc,name-defined]
    """The pyfunc face of a saved model: ``predict`` delegates to its ``predict_frame``."""

    def load_context(self, context: Any) -> None:
        self.model = load_saved(Path(context.artifacts[ARTIFACT]))

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        return self.model.predict_frame(model_input)


# ------------------------------------------------------------------------------- saving
def save_model(model: Any, directory: Path) -> Path:
    """Write ``model`` (a TrafficModel, SentimentScorer or a skops-serialisable model such as
    SalesModel/ChurnScorer) to ``directory`` with its manifest."""
    from pipelines.training.sentiment import SentimentScorer
    from pipelines.training.traffic import TrafficModel

    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(model, TrafficModel):
        kind = _save_torch_state(model.forecaster, directory)
    elif isinstance(model, SentimentScorer):
        model.model.save(directory / "model")
        kind = "hf_directory"
    else:
        import skops.io

        (directory / "model.skops").write_bytes(skops.io.dumps(model))
        kind = "skops"
    manifest = {"format": kind, "format_version": FORMAT_VERSION}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return directory


def _save_torch_state(forecaster: Any, directory: Path) -> str:
    from safetensors.torch import save_file

    state = forecaster.state_dict()
    weights = state.pop("weights")
    save_file({name: tensor.contiguous() for name, tensor in weights.items()},
              str(directory / "weights.safetensors"))  # fmt: skip
    (directory / "state.json").write_text(json.dumps(state, indent=1, default=list) + "\n")
    return "torch_state"


def log_model(
    model: Any,
    name: str,
    input_example: pd.DataFrame,
    output_example: pd.DataFrame,
    pip_requirements: list[str] | None = None,
) -> str:
    """Log ``model`` in the active run (see the formats above); returns the model URI."""
    from mlflow.models import infer_signature

    with tempfile.TemporaryDirectory() as tmp:
        saved = save_model(model, Path(tmp) / ARTIFACT)
        info = mlflow.pyfunc.log_model(
            name=name,
            python_model=str(PYFUNC_ENTRY),  # a code file, not a pickled object
            artifacts={ARTIFACT: str(saved)},
            signature=infer_signature(input_example, output_example),
            input_example=input_example,
            pip_requirements=pip_requirements or PIP_REQUIREMENTS,
        )
    return str(info.model_uri)


# ------------------------------------------------------------------------------ loading
def load_saved(directory: Path) -> Any:
    """The model in ``directory`` (written by ``save_model``), or ChampionUnreadable."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ChampionUnreadable(
            "saved in the pickle format of older nightshift versions, which is not loaded: "
            "unpickling runs whatever code the registry holds"
        )
    manifest = json.loads(manifest_path.read_text())
    kind = manifest.get("format")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ChampionUnreadable(f"saved-model format version {manifest.get('format_version')}")
    if kind == "skops":
        return _load_skops(directory / "model.skops")
    if kind == "torch_state":
        return _load_torch_state(directory)
    if kind == "hf_directory":
        from models.loyalty.sentiment import SentimentModel
        from pipelines.training.sentiment import SentimentScorer

        return SentimentScorer(SentimentModel.load(directory / "model"))
    raise ChampionUnreadable(f"unknown saved-model format {kind!r}")


def _load_skops(path: Path) -> Any:
    import skops.io

    data = path.read_bytes()
    untrusted = sorted(set(skops.io.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ChampionUnreadable(f"holds types nightshift does not trust: {untrusted}")
    return skops.io.loads(data, trusted=list(TRUSTED_TYPES))


def _load_torch_state(directory: Path) -> Any:
    from safetensors.torch import load_file

    from models.traffic.forecast import TrafficForecaster
    from pipelines.training.traffic import TrafficModel

    state = json.loads((directory / "state.json").read_text())
    state["weights"] = load_file(str(directory / "weights.safetensors"))
    try:
        forecaster = TrafficForecaster().load_state_dict(state)
    except (KeyError, ValueError, RuntimeError) as error:  # another layout or architecture
        raise ChampionUnreadable(str(error)) from error
    return TrafficModel(forecaster)


def load_version(model_name: str, version: str) -> tuple[Any, str]:
    """One registered version's domain object (and the version), read without running any
    code stored in the registry.

    Raises ChampionUnreadable when it cannot be: saved by an older nightshift (pickle), by an
    incompatible version of the model code (e.g. after a change of architecture), or holding
    untrusted types; training then says so and starts cold.
    """
    from pipelines.training.baselines import is_baseline

    if is_baseline(version):
        raise ChampionUnreadable(f"{model_name}: {version} is a baseline, not a registered model")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            root = Path(
                mlflow.artifacts.download_artifacts(
                    artifact_uri=f"models:/{model_name}/{version}", dst_path=tmp
                )
            )
            return load_saved(root / "artifacts" / ARTIFACT), version
        except ChampionUnreadable as error:
            raise ChampionUnreadable(
                f"{model_name} v{version} {error}; retrain it (nightshift train --full)"
            ) from error
        except Exception as error:  # a missing or corrupt artifact
            first_line = f"{error}".splitlines()[0] if str(error) else type(error).__name__
            raise ChampionUnreadable(f"{model_name} v{version}: {first_line}") from error


def load_champion(model_name: str) -> tuple[Any, str] | None:
    """The production champion (the ``champion`` alias), or None without one."""
    from pipelines.training.promotion import champion_version

    version = champion_version(model_name)
    return None if version is None else load_version(model_name, version)


def try_load(model_name: str, version: str | None) -> tuple[tuple[Any, str] | None, str | None]:
    """(model, None); (None, None) without a version (or a baseline); (None, why) when it
    cannot be read."""
    from pipelines.training.baselines import is_baseline

    if version is None or is_baseline(version):
        return None, None
    try:
        return load_version(model_name, version), None
    except ChampionUnreadable as error:
        return None, str(error)
