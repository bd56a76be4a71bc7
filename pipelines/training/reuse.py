"""Skip retraining when the training data has not changed since the champion was trained.

A challenger trained on the same validated data, with the same code and settings, as the
champion would only reproduce it (or differ by noise), so the train task reuses the champion
and says so: the decision is written to ops.model_promotions like any other. Re-runs and
backfills of an already processed date become cheap and deterministic this way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version as package_version
from typing import Any

from sqlalchemy import Engine

from pipelines.sqlfiles import sql
from pipelines.training.promotion import CHAMPION, Decision

FINGERPRINT_TAG = "nightshift.data_fingerprint"


def data_fingerprint(engine: Engine, first: date, last: date, config: dict[str, Any]) -> str:
    """A short hash of the loads behind ``first``..``last``, the model's settings and the code
    version: equal fingerprints mean retraining would see exactly the same inputs."""
    with engine.connect() as conn:
        loads = conn.execute(
            sql("training/loads_fingerprint"), {"first": first, "last": last}
        ).scalar_one()
    payload = {"loads": loads, "config": config, "code": package_version("nightshift")}
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Champion:
    version: str
    run_id: str
    fingerprint: str | None
    metrics: dict[str, float]


def current_champion(model_name: str) -> Champion | None:
    """The champion's registry version, run, data fingerprint and logged metrics."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient()
    try:
        model_version = client.get_model_version_by_alias(model_name, CHAMPION)
    except MlflowException:
        return None
    run_id = str(model_version.run_id)
    run = client.get_run(run_id)
    return Champion(
        str(model_version.version),
        run_id,
        run.data.tags.get(FINGERPRINT_TAG),
        dict(run.data.metrics),
    )


def reuse_if_unchanged(
    engine: Engine,
    business_date: date,
    model_name: str,
    metric: str,
    higher_is_better: bool,
    fingerprint: str,
) -> dict[str, Any] | None:
    """When the champion was trained on identical data: record the reuse, return the task's
    result; otherwise None (train a challenger)."""
    from pipelines.training.promotion import write_decision

    champion = current_champion(model_name)
    if champion is None or champion.fingerprint != fingerprint:
        return None
    score = champion.metrics.get(metric, float("nan"))
    reason = (
        f"training data unchanged since champion v{champion.version} was trained "
        f"(fingerprint {fingerprint}): reused it without retraining"
    )
    decision = Decision(model_name, metric, higher_is_better, score, score, 0.0, False, reason)
    write_decision(engine, business_date, decision, champion.run_id, champion.version,
                   champion.version)  # fmt: skip
    return {
        "mlflow_run_id": champion.run_id,
        "version": champion.version,
        "promoted": False,
        "reused_champion": True,
        "reason": reason,
    }
