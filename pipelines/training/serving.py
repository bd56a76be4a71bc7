"""Which model version a night uses: the one its own train task decided on.

Each train task records its decision for the night's business date in ops.model_promotions
(the promoted challenger, or the champion it was compared with, or the model it reused).
Inference loads that version, not whatever the moving ``champion`` alias points at when the
stage runs: nights running side by side in a backfill, and re-runs, then use exactly the model
their own decision names. A stage run without a decision for its date uses the alias.

In a backfill the challenger is compared with the model of the latest earlier night, not with
today's champion: a champion trained on later data has seen the old night's holdout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from pipelines.errors import NightshiftError
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow


class NoModel(NightshiftError):
    """Neither a decision for the night nor a champion: the model was never trained."""


class BaselineServed(NoModel):
    """The night's decision serves a simple baseline: no model beat it (see ``baselines``)."""

    def __init__(self, model_name: str, label: str) -> None:
        super().__init__(f"{model_name}: no model beat the baseline; the night serves {label}")
        self.model_name, self.label = model_name, label


@dataclass(frozen=True)
class Served:
    version: str  # the version the night used
    business_date: date
    challenger_version: str | None  # the one its train task registered (or reused)


def served_version(
    engine: Engine, model_name: str, first: date, last: date, trained_only: bool = False
) -> Served | None:
    """The version the latest decided night in ``first``..``last`` used, if any; with
    ``trained_only``, of the latest night that trained a challenger (not a reuse)."""
    params = {"model_name": model_name, "first": first, "last": last, "trained_only": trained_only}
    with engine.connect() as conn:
        row = conn.execute(sql("ops/served_version"), params).first()
    if row is None:
        return None
    challenger = None if row.challenger_version is None else str(row.challenger_version)
    return Served(str(row.version), row.business_date, challenger)


def baseline_version(engine: Engine, model_name: str, window: RunWindow) -> str | None:
    """What a challenger must beat: the production champion; in a backfill, the model of the
    latest earlier night (point in time), else the champion."""
    from pipelines.training.promotion import champion_version

    if window.backfill:
        earlier = served_version(
            engine, model_name, date.min, window.business_date - timedelta(days=1)
        )
        if earlier is not None:
            return earlier.version
    return champion_version(model_name)


def load_for_night(
    engine: Engine, settings: Settings, model_name: str, window: RunWindow
) -> tuple[Any, str]:
    """(model, version) for the night's inference; a clear error when there is none, and
    BaselineServed when the night's decision serves a baseline (the caller publishes the
    baseline's output or skips)."""
    from pipelines.tracking import configure_mlflow
    from pipelines.training.baselines import is_baseline
    from pipelines.training.mlflow_models import load_champion, load_version

    configure_mlflow(settings)
    day = window.business_date
    served = served_version(engine, model_name, day, day)
    if served is not None and is_baseline(served.version):
        raise BaselineServed(model_name, served.version)
    loaded = load_version(model_name, served.version) if served else load_champion(model_name)
    if loaded is None:
        raise NoModel(f"no champion {model_name} in the MLflow registry yet")
    return loaded
