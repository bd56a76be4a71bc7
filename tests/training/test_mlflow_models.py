"""Loading models from the registry never runs code stored there: nightshift's formats round-
trip, and a pickle (or an untrusted type) planted in the registry is refused, not executed."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from models.loyalty.churn import ChurnConfig, ChurnModel
from models.sales.config import SalesConfig
from models.sales.forest import SalesForecaster
from models.traffic.forecast import TrafficForecaster
from pipelines.settings import Settings
from pipelines.training import mlflow_models
from pipelines.training.churn import ChurnScorer
from pipelines.training.mlflow_models import ChampionUnreadable, load_saved, save_model
from pipelines.training.sales import SalesModel
from pipelines.training.traffic import TrafficModel
from tests.sales.synthetic import synthetic_panel
from tests.traffic.conftest import TINY
from tests.traffic.synthetic import synthetic_traffic

MARKER = "planted-code-ran"


def _plant(marker: str) -> Any:
    """What a malicious pickle runs on loading (here: leaves a file behind)."""
    Path(marker).write_text("the registry ran code on this worker")
    return PlantedModel(marker)


class PlantedModel(mlflow.pyfunc.PythonModel):  # type: ignore[misc,name-defined]
    """Pickles as a call to ``_plant``, like an attacker's pickle would."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return _plant, (self.marker,)

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        return model_input


class Sneaky:
    """Not a trusted type: building it would run its ``__setstate__``."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __setstate__(self, state: dict[str, Any]) -> None:
        Path(state["marker"]).write_text("ran")
        self.__dict__.update(state)


def _register(name: str, log: Any) -> str:
    with mlflow.start_run():
        uri = log()
    return str(mlflow.register_model(uri, name).version)


def test_a_pickle_planted_in_the_registry_is_refused_and_not_run(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A version as an older nightshift (or an attacker with registry access) logged it: a
    pickled pyfunc with a pickled model artifact."""
    from pipelines.tracking import configure_mlflow
    from pipelines.training.serving import load_for_night
    from pipelines.window import RunWindow

    configure_mlflow(settings)
    marker = tmp_path / MARKER
    payload = tmp_path / "model.pkl"
    payload.write_bytes(pickle.dumps(PlantedModel(str(marker))))
    name = "planted_pickle_model"
    version = _register(name, lambda: mlflow.pyfunc.log_model(
        name="model", python_model=PlantedModel(str(marker)), artifacts={"model": str(payload)},
        pip_requirements=["nightshift"],
    ).model_uri)  # fmt: skip
    assert not marker.exists()  # logging did not run it

    with pytest.raises(ChampionUnreadable, match=r"pickle format.*retrain it") as refused:
        mlflow_models.load_version(name, version)
    assert f"{name} v{version}" in str(refused.value)
    assert mlflow_models.try_load(name, version)[0] is None  # training starts cold instead
    mlflow.MlflowClient().set_registered_model_alias(name, "champion", version)
    night = RunWindow.for_business_date(pd.Timestamp("2031-06-01").date(), settings.tz)
    with pytest.raises(ChampionUnreadable):
        load_for_night(engine, settings, name, night)
    assert not marker.exists(), "loading ran code stored in the registry"


def test_an_untrusted_type_in_a_skops_payload_is_refused_before_it_is_built(
    settings: Settings, tmp_path: Path
) -> None:
    from pipelines.tracking import configure_mlflow

    configure_mlflow(settings)
    marker = tmp_path / MARKER
    example = pd.DataFrame({"x": [1.0]})
    name = "untrusted_type_model"
    version = _register(name, lambda: mlflow_models.log_model(
        Sneaky(str(marker)), "model", example, example
    ))  # fmt: skip
    with pytest.raises(ChampionUnreadable, match=r"does not trust.*Sneaky"):
        mlflow_models.load_version(name, version)
    assert not marker.exists()


def test_a_manifest_naming_another_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"format": "pickle", "format_version": 1}')
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(PlantedModel(str(tmp_path / MARKER))))
    with pytest.raises(ChampionUnreadable, match="unknown saved-model format 'pickle'"):
        load_saved(tmp_path)
    assert not (tmp_path / MARKER).exists()


def test_each_model_kind_round_trips_in_its_safe_format(tmp_path: Path) -> None:
    panel = synthetic_panel(stores=2, days=60, seed=1)
    tiny = SalesConfig(n_estimators=5, max_samples=1000, min_samples_leaf=5, n_jobs=1)
    sales = SalesModel(SalesForecaster(tiny).fit(panel.sales, panel.promotions))
    recent = panel.sales.tail(200)
    loaded = load_saved(save_model(sales, tmp_path / "sales"))
    assert (tmp_path / "sales" / "model.skops").is_file()
    pd.testing.assert_frame_equal(loaded.predict_frame(recent), sales.predict_frame(recent))

    rng = np.random.default_rng(0)
    features = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    churn = ChurnScorer(
        ChurnModel(ChurnConfig(max_iter=10)).fit(features, (features["a"] > 0).astype(int))
    )
    loaded = load_saved(save_model(churn, tmp_path / "churn"))
    pd.testing.assert_frame_equal(loaded.predict_frame(features), churn.predict_frame(features))

    history = synthetic_traffic(series=2, days=30, start="2024-06-03", seed=3)
    traffic = TrafficModel(TrafficForecaster(TINY).fit(history))
    loaded = load_saved(save_model(traffic, tmp_path / "traffic"))
    saved = sorted(p.name for p in (tmp_path / "traffic").iterdir())
    assert saved == ["manifest.json", "state.json", "weights.safetensors"]  # no pickle
    pd.testing.assert_frame_equal(loaded.predict_frame(history), traffic.predict_frame(history))
    assert loaded.forecaster.interval_scale == traffic.forecaster.interval_scale
