"""Reusing a model instead of retraining: unchanged training data, re-runs, and the backfill
retrain cadence (real warehouse, real MLflow)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text

from pipelines.settings import Settings
from pipelines.training import promotion
from pipelines.training.reuse import FINGERPRINT_TAG, data_fingerprint, reuse_existing
from pipelines.window import RunWindow

DAY = date(2032, 5, 10)


class Constant:
    def predict_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"prediction": [1.0] * len(frame)})


def _record_load(engine: Engine, day: date, checksum: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into ops.loads (business_date, source, source_file, checksum, rows_read,"
                " rows_loaded, rows_published, duration_s) values (:d, 'reuse_test', 'f', :c,"
                " 1, 1, 1, 0) on conflict (business_date, source) do update"
                " set checksum = excluded.checksum"
            ),
            {"d": day, "c": checksum},
        )


def test_the_fingerprint_follows_the_loaded_data_the_settings_and_the_code(
    engine: Engine,
) -> None:
    _record_load(engine, DAY, "a")
    first = data_fingerprint(engine, DAY, DAY, {"epochs": 1}, "code-1")
    assert data_fingerprint(engine, DAY, DAY, {"epochs": 1}, "code-1") == first  # stable
    assert data_fingerprint(engine, DAY, DAY, {"epochs": 2}, "code-1") != first  # other settings
    assert data_fingerprint(engine, DAY, DAY, {"epochs": 1}, "code-2") != first  # other code
    _record_load(engine, DAY, "b")  # the day was re-exported with other content
    assert data_fingerprint(engine, DAY, DAY, {"epochs": 1}, "code-1") != first


def _register(
    engine: Engine,
    name: str,
    day: date,
    fingerprint: str,
    mae: float,
    champion: float | None = None,
) -> str:
    """A trained-and-decided model for night ``day``, as a train task leaves it (compared with
    a champion scoring ``champion``, if any)."""
    import mlflow

    from pipelines.training.mlflow_models import log_model

    example = pd.DataFrame({"x": [1.0]})
    with mlflow.start_run() as run:
        mlflow.set_tag(FINGERPRINT_TAG, fingerprint)
        mlflow.log_metric("mae", mae)
        uri = log_model(Constant(), "model", example, Constant().predict_frame(example))
    decision = promotion.decide(name, "mae", mae, champion, False, 0.01)
    return promotion.record(engine, day, decision, run.info.run_id, uri)


def _decision(engine: Engine, name: str, day: date) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            text("select * from ops.model_promotions where model_name = :m and business_date = :d"),
            {"m": name, "d": day},
        ).one()


def _window(settings: Settings, day: date, backfill: bool = False) -> RunWindow:
    return replace(RunWindow.for_business_date(day, settings.tz), backfill=backfill)


def test_an_unchanged_champion_is_reused_and_a_rerun_keeps_its_decision(
    engine: Engine, settings: Settings
) -> None:
    from pipelines.tracking import configure_mlflow

    configure_mlflow(settings)
    name = "reuse_test_model"
    night = _window(settings, DAY)
    _record_load(engine, DAY, "c")
    fingerprint = data_fingerprint(engine, DAY, DAY, {}, "code-1")
    # No champion, no decision: train.
    assert reuse_existing(engine, settings, night, name, "mae", False, fingerprint) is None
    version = _register(engine, name, DAY - timedelta(days=1), fingerprint, 3.5)

    reused = reuse_existing(engine, settings, night, name, "mae", False, fingerprint)
    assert reused is not None
    assert (reused["version"], reused["reused_champion"]) == (version, True)
    row = _decision(engine, name, DAY)
    assert (row.promoted, row.challenger_score, row.champion_version) == (False, 3.5, version)
    assert "unchanged" in row.reason
    # Re-running the night on the same data keeps its decision (and so its outputs).
    again = reuse_existing(engine, settings, night, name, "mae", False, fingerprint)
    assert again is not None and again["version"] == version and "re-run" in again["reason"]

    # The same data after a change to the model's code: train a challenger (on a night
    # without its own decision; a re-run of this night keeps it).
    next_night = _window(settings, DAY + timedelta(days=1))
    new_code = data_fingerprint(engine, DAY, DAY, {}, "code-2")
    assert reuse_existing(engine, settings, next_night, name, "mae", False, new_code) is None
    _record_load(engine, DAY, "d")  # new data: train a challenger instead
    changed = data_fingerprint(engine, DAY, DAY, {}, "code-1")
    assert reuse_existing(engine, settings, night, name, "mae", False, changed) is None


def test_a_backfill_night_reuses_a_recent_nights_model_within_the_cadence(
    engine: Engine, settings: Settings
) -> None:
    from pipelines.tracking import configure_mlflow

    configure_mlflow(settings)
    name = "cadence_test_model"
    trained_for = DAY + timedelta(days=20)
    version = _register(engine, name, trained_for, "old-data", 2.0)
    assert settings.backfill_retrain_days == 7  # the documented default

    def reuse(day: date, backfill: bool = True, config: Settings = settings) -> Any:
        window = _window(config, day, backfill)
        return reuse_existing(engine, config, window, name, "mae", False, "new-data")

    # A scheduled night retrains on new data; a backfill night 6 days later reuses the model.
    assert reuse(trained_for + timedelta(days=6), backfill=False) is None
    reused = reuse(trained_for + timedelta(days=6))
    assert reused is not None and reused["version"] == version
    row = _decision(engine, name, trained_for + timedelta(days=6))
    assert (row.promoted, row.challenger_version, row.champion_version) == (False, version, version)
    assert f"the model of {trained_for}" in row.reason
    # Beyond the cadence, or before the model's own night (no look-ahead): retrain. Reuses do
    # not chain: 8 days after the training night, the reuse 2 days before does not count.
    assert reuse(trained_for + timedelta(days=8)) is None
    assert reuse(trained_for + timedelta(days=13)) is None
    assert reuse(trained_for - timedelta(days=1)) is None
    # The training night re-run in a backfill on since-changed data keeps its decision.
    decided = _decision(engine, name, trained_for)
    rerun = reuse(trained_for)
    assert rerun is not None and rerun["version"] == version and "kept" in rerun["reason"]
    assert _decision(engine, name, trained_for) == decided
    # NIGHTSHIFT_BACKFILL_RETRAIN_DAYS=1: every backfilled night retrains.
    every_night = settings.model_copy(update={"backfill_retrain_days": 1})
    assert reuse(trained_for + timedelta(days=1), config=every_night) is None


def test_a_backfill_rerun_of_a_night_that_trained_keeps_its_decision(
    engine: Engine, settings: Settings
) -> None:
    """Even when its data changed since (sales' fingerprint looks ahead at later nights' loads)
    and happens to match the champion's: the night's comparison stays on record."""
    from pipelines.tracking import configure_mlflow

    configure_mlflow(settings)
    name = "rerun_test_model"
    night = DAY + timedelta(days=40)
    champion = _register(engine, name, night - timedelta(days=30), "later-data", 2.0)
    challenger = _register(engine, name, night, "night-data", 3.0, champion=2.0)  # kept champion
    decided = _decision(engine, name, night)
    assert (decided.challenger_version, decided.champion_version) == (challenger, champion)

    window = _window(settings, night, backfill=True)
    rerun = reuse_existing(engine, settings, window, name, "mae", False, "later-data")
    assert rerun is not None and rerun["version"] == champion  # the model the night served
    assert "kept this night's decision" in rerun["reason"]
    assert _decision(engine, name, night) == decided
