"""Reusing the champion when the training data is unchanged (real warehouse, real MLflow)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, text

from pipelines.settings import Settings
from pipelines.training import promotion
from pipelines.training.reuse import FINGERPRINT_TAG, data_fingerprint, reuse_if_unchanged

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


def test_the_fingerprint_follows_the_loaded_data_and_the_settings(engine: Engine) -> None:
    _record_load(engine, DAY, "a")
    first = data_fingerprint(engine, DAY, DAY, {"epochs": 1})
    assert data_fingerprint(engine, DAY, DAY, {"epochs": 1}) == first  # stable
    assert data_fingerprint(engine, DAY, DAY, {"epochs": 2}) != first  # other settings
    _record_load(engine, DAY, "b")  # the day was re-exported with other content
    assert data_fingerprint(engine, DAY, DAY, {"epochs": 1}) != first


def test_an_unchanged_champion_is_reused_and_the_decision_recorded(
    engine: Engine, settings: Settings
) -> None:
    import mlflow

    from pipelines.tracking import configure_mlflow
    from pipelines.training.mlflow_models import log_pickled_model

    configure_mlflow(settings)
    name = "reuse_test_model"
    _record_load(engine, DAY, "c")
    fingerprint = data_fingerprint(engine, DAY, DAY, {})
    assert reuse_if_unchanged(engine, DAY, name, "mae", False, fingerprint) is None  # no champion
    example = pd.DataFrame({"x": [1.0]})
    with mlflow.start_run() as run:
        mlflow.set_tag(FINGERPRINT_TAG, fingerprint)
        mlflow.log_metric("mae", 3.5)
        uri = log_pickled_model(Constant(), "model", example, Constant().predict_frame(example))
    decision = promotion.decide(name, "mae", 3.5, None, False, 0.01)
    version = promotion.record(engine, DAY, decision, run.info.run_id, uri)

    reused = reuse_if_unchanged(engine, DAY, name, "mae", False, fingerprint)
    assert reused is not None
    assert (reused["version"], reused["reused_champion"]) == (version, True)
    with engine.connect() as conn:
        row = conn.execute(
            text("select * from ops.model_promotions where model_name = :m and business_date = :d"),
            {"m": name, "d": DAY},
        ).one()
    assert (row.promoted, row.challenger_score, row.champion_version) == (False, 3.5, version)
    assert "unchanged" in row.reason

    _record_load(engine, DAY, "d")  # new data: train a challenger instead
    changed = data_fingerprint(engine, DAY, DAY, {})
    assert reuse_if_unchanged(engine, DAY, name, "mae", False, changed) is None
