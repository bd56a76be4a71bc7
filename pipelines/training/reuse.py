"""Skip retraining when a model trained on the same data exists, or, in a backfill, when a
night of the last few days already has a model.

A challenger trained on the same validated data, with the same code and settings, as the
champion (or as the model this night used before) would only reproduce it, so the train task
reuses that model and says so: the decision is written to ops.model_promotions like any other.
Re-runs of an already processed date become cheap and deterministic this way.

A backfill re-runs many nights at once; retraining each of them would serialise the whole
backfill on the one-slot trainer pool. Instead a backfilled night uses the model of the latest
night in the last ``backfill_retrain_days`` days that trained a challenger (its data ends
before this night: no look-ahead) and retrains only when there is none: a weekly retrain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.training.promotion import CHAMPION, Decision
from pipelines.window import RunWindow

FINGERPRINT_TAG = "nightshift.data_fingerprint"


def data_fingerprint(
    engine: Engine, first: date, last: date, config: dict[str, Any], code: str
) -> str:
    """A short hash of the loads behind ``first``..``last``, the model's settings and its code
    (``fingerprint.code_fingerprint``): equal fingerprints mean retraining would see exactly
    the same inputs and run exactly the same code."""
    with engine.connect() as conn:
        loads = conn.execute(
            sql("training/loads_fingerprint"), {"first": first, "last": last}
        ).scalar_one()
    payload = {"loads": loads, "config": config, "code": code}
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Registered:
    """A registry version with its training run's data fingerprint and logged metrics."""

    version: str
    run_id: str
    fingerprint: str | None
    metrics: dict[str, float]


def registered(model_name: str, version: str | None = None) -> Registered | None:
    """``version`` of ``model_name`` (default: the champion), or None when it does not exist
    (or names a baseline a night served: no registry version)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from pipelines.training.baselines import is_baseline

    if is_baseline(version):
        return None
    client = MlflowClient()
    try:
        if version is None:
            model_version = client.get_model_version_by_alias(model_name, CHAMPION)
        else:
            model_version = client.get_model_version(model_name, version)
    except MlflowException:
        return None
    run = client.get_run(str(model_version.run_id))
    return Registered(
        str(model_version.version),
        str(model_version.run_id),
        run.data.tags.get(FINGERPRINT_TAG),
        dict(run.data.metrics),
    )


def reuse_existing(
    engine: Engine,
    settings: Settings,
    window: RunWindow,
    model_name: str,
    metric: str,
    higher_is_better: bool,
    fingerprint: str,
) -> dict[str, Any] | None:
    """The train task's result without training, or None (train a challenger): this night's
    earlier decision or the champion, when trained on identical data (recorded as a reuse);
    in a backfill, the model of the latest night within the retrain cadence."""
    from pipelines.training.serving import served_version

    day = window.business_date
    own = served_version(engine, model_name, day, day)
    trained = (
        registered(model_name, own.challenger_version) if own and own.challenger_version else None
    )
    cadence = settings.backfill_retrain_days
    recent = None
    if window.backfill and cadence > 1:
        # Only nights that trained count: reuses chained night after night would never
        # retrain. This night's own earlier training counts too (a re-run reproduces it).
        first = day - timedelta(days=cadence - 1)
        recent = served_version(engine, model_name, first, day, trained_only=True)
    unchanged = trained is not None and trained.fingerprint == fingerprint
    # A backfill re-run of a night that trained keeps its decision even on data changed since
    # (later nights' loads change sales' forward-looking fingerprint).
    trained_here = recent is not None and recent.business_date == day
    if own is not None and trained is not None and (unchanged or trained_here):
        # The night's decision stands (and so do its outputs).
        why = f"re-run on unchanged data (fingerprint {fingerprint})" if unchanged else "re-run"
        return _result(registered(model_name, own.version) or trained, (
            f"{why}: kept this night's decision, v{own.version}"
        ))  # fmt: skip
    from pipelines.monitoring.degradation import retrain_requested

    if retrain_requested(engine, model_name, day):  # a degraded model is retrained, never reused
        return None
    champion = registered(model_name)  # the alias
    if champion is not None and champion.fingerprint == fingerprint:
        return _reuse(engine, day, model_name, metric, higher_is_better, champion, (
            f"training data unchanged since champion v{champion.version} was trained "
            f"(fingerprint {fingerprint}): reused it without retraining"
        ))  # fmt: skip
    candidate = registered(model_name, recent.version) if recent else None
    if recent is not None and candidate is not None:
        return _reuse(engine, day, model_name, metric, higher_is_better, candidate, (
            f"backfill: reused v{candidate.version}, the model of {recent.business_date} "
            f"(within NIGHTSHIFT_BACKFILL_RETRAIN_DAYS={cadence}), without retraining"
        ))  # fmt: skip
    return None


def _reuse(
    engine: Engine,
    day: date,
    model_name: str,
    metric: str,
    higher_is_better: bool,
    model: Registered,
    reason: str,
) -> dict[str, Any]:
    from pipelines.training.promotion import write_decision

    score = model.metrics.get(metric, float("nan"))
    decision = Decision(model_name, metric, higher_is_better, score, score, 0.0, False, reason)
    write_decision(engine, day, decision, model.run_id, model.version, model.version)
    return _result(model, reason)


def _result(model: Registered, reason: str) -> dict[str, Any]:
    return {
        "mlflow_run_id": model.run_id,
        "version": model.version,
        "promoted": False,
        "reused_champion": True,
        "reason": reason,
    }
