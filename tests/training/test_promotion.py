"""Champion/challenger on a real MLflow registry and the real warehouse."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from pipelines.settings import Settings
from pipelines.training import promotion


class ConstantModel:
    """A stand-in domain model: forecasts a constant (enough to register a version)."""

    def __init__(self, value: float) -> None:
        self.value = value

    def predict_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"prediction": [self.value] * len(frame)})


def _challenger(
    engine: Engine, day: date, score: float, name: str, backfill: bool = False
) -> tuple[str, bool]:
    import mlflow

    from pipelines.training.mlflow_models import log_model

    example = pd.DataFrame({"x": [1.0, 2.0]})
    with mlflow.start_run() as run:
        uri = log_model(
            ConstantModel(score), "model", example, example.rename(columns={"x": "prediction"})
        )
    champion = promotion.champion_version(name)
    champion_score = None
    if champion is not None:
        with engine.connect() as conn:
            champion_score = conn.execute(
                text("select challenger_score from ops.model_promotions where model_name = :m"
                     " and challenger_version = :v"),
                {"m": name, "v": champion},
            ).scalar_one()  # fmt: skip
    decision = promotion.decide(name, "mae", score, champion_score, False, 0.01)
    version = promotion.record(engine, day, decision, run.info.run_id, uri, backfill=backfill)
    return version, decision.promoted


def test_decide_needs_the_stated_margin() -> None:
    assert promotion.decide("m", "mae", 9.0, None, False, 0.01).promoted
    assert promotion.decide("m", "mae", 9.95, 10.0, False, 0.01).promoted is False  # 0.5%
    assert promotion.decide("m", "mae", 9.8, 10.0, False, 0.01).promoted  # 2% better
    assert promotion.decide("m", "f1", 0.86, 0.85, True, 0.01).promoted is True
    assert promotion.decide("m", "f1", 0.80, 0.85, True, 0.0).promoted is False


def test_a_worse_challenger_is_not_promoted_and_the_decision_is_recorded(
    engine: Engine, settings: Settings
) -> None:
    from pipelines.tracking import configure_mlflow

    configure_mlflow(settings)
    name = "test_constant_model"
    first, promoted = _challenger(engine, date(2031, 1, 1), 10.0, name)
    assert promoted and promotion.champion_version(name) == first

    worse, promoted = _challenger(engine, date(2031, 1, 2), 12.0, name)
    assert not promoted
    assert promotion.champion_version(name) == first  # the alias did not move
    with engine.connect() as conn:
        row = conn.execute(
            text("select * from ops.model_promotions where model_name = :m and business_date = :d"),
            {"m": name, "d": date(2031, 1, 2)},
        ).one()
    assert (row.challenger_version, row.champion_version) == (worse, first)
    assert (row.challenger_score, row.champion_score, row.promoted) == (12.0, 10.0, False)
    assert "kept the champion" in row.reason

    from pipelines.training.mlflow_models import load_champion

    loaded = load_champion(name)
    assert loaded is not None and loaded[0].value == pytest.approx(10.0) and loaded[1] == first


def test_each_night_uses_the_model_its_own_decision_names(
    engine: Engine, settings: Settings
) -> None:
    """Side-by-side backfill nights and re-runs must not pick up another night's promotion."""
    from pipelines.tracking import configure_mlflow
    from pipelines.training.serving import baseline_version, load_for_night
    from pipelines.window import RunWindow

    configure_mlflow(settings)
    name = "test_night_model"
    night = RunWindow.for_business_date(date(2031, 3, 1), settings.tz)
    first, _ = _challenger(engine, night.business_date, 10.0, name)
    later = RunWindow.for_business_date(date(2031, 3, 5), settings.tz)
    better, promoted = _challenger(engine, later.business_date, 5.0, name)
    assert promoted and promotion.champion_version(name) == better

    model, version = load_for_night(engine, settings, name, night)  # not the alias
    assert (model.value, version) == (10.0, first)
    assert load_for_night(engine, settings, name, later)[1] == better

    # A backfilled night in between: compared with the model of the night before it (no
    # look-ahead), served on its own night if better, and the production alias stays put.
    between = replace(RunWindow.for_business_date(date(2031, 3, 3), settings.tz), backfill=True)
    assert baseline_version(engine, name, between) == first
    assert baseline_version(engine, name, replace(between, backfill=False)) == better
    backfilled, promoted = _challenger(engine, between.business_date, 4.0, name, backfill=True)
    assert promoted and promotion.champion_version(name) == better
    assert load_for_night(engine, settings, name, between)[1] == backfilled
