"""Write a night's monitoring figures: every table replaced for the business date in one
transaction, so re-running a night reproduces its rows instead of adding to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine

from pipelines.monitoring.performance import Figure
from pipelines.sqlfiles import sql


@dataclass
class NightFigures:
    """Everything the monitor measured for one business date, with the night's run id."""

    business_date: date
    run_id: str
    performance: list[Figure] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    status: list[dict[str, Any]] = field(default_factory=list)
    quality: list[dict[str, Any]] = field(default_factory=list)


def _lineage(night: NightFigures) -> dict[str, Any]:
    return {"business_date": night.business_date, "run_id": night.run_id}


def replace_night(engine: Engine, night: NightFigures) -> None:
    key = {"business_date": night.business_date}
    performance = [
        _lineage(night)
        | {
            "model_name": f.model_name,
            "model_version": f.model_version,
            "scope": f.scope,
            "store_id": f.store_id,
            "metric": f.metric,
            "value": f.value,
            "n_obs": f.n_obs,
            "window_days": f.window_days,
        }
        for f in night.performance
    ]
    tables = (
        ("performance", performance),
        ("drift", [_lineage(night) | row for row in night.drift]),
        ("status", [_lineage(night) | row for row in night.status]),
        ("quality", [_lineage(night) | row for row in night.quality]),
    )
    with engine.begin() as conn:
        for name, rows in tables:
            conn.execute(sql(f"monitoring/{name}_delete"), key)
            if rows:
                conn.execute(sql(f"monitoring/{name}_insert"), rows)
