"""Tonight's traffic forecast explained: for every store and each of the plan's seven days, how
far the day is from a normal day of its weekday and why (explanations.traffic_days with the
"why this week" line, explanations.traffic_drivers per driver), and the network's global
importance per driver (explanations.feature_importance).

Called by the forecast stage with the same history and inputs it forecast from.
"""

from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from pipelines.explanations.tables import replace_run, write_importance
from pipelines.explanations.words import traffic_label, why_line
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

if TYPE_CHECKING:
    from models.traffic.forecast import TrafficForecaster

MODEL_NAME = "traffic_rnn"
DAYS = 7  # the staffing plan's horizon
# Below this share of known hours in the lookback, a store has too little history to compare.
MIN_HISTORY_SHARE = 0.5
# A "why" line names the drivers pushing the day the way it moved, largest first, each at
# least this share of the change, and at most this many.
MIN_DRIVER_SHARE = 0.2
MAX_DRIVERS_NAMED = 3


def named_drivers(day: pd.DataFrame) -> list[str]:
    """The drivers a day's "why" line names: same sign as the change, big enough, largest
    first (never "other", the part integrated gradients leaves unexplained)."""
    change = float(day["forecast"].iloc[0] - day["usual"].iloc[0])
    if change == 0:
        return []
    pushing = day[(day["driver"] != "other") & (np.sign(day["contribution"]) == np.sign(change))]
    pushing = pushing.assign(size=pushing["contribution"].abs()).sort_values(
        ["size", "driver"], ascending=[False, True], kind="stable"
    )
    pushing = pushing[pushing["size"] >= MIN_DRIVER_SHARE * abs(change)]
    return [str(d) for d in pushing["driver"].head(MAX_DRIVERS_NAMED)]


def day_records(
    table: pd.DataFrame, settings: Settings, window: RunWindow, version: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(traffic_days rows, traffic_drivers rows) from an attribution table."""
    language = settings.report_language
    threshold = settings.explain_unusual_day_pct / 100.0
    days, drivers = [], []
    for (store_id, day), rows in table.groupby(["location_id", "date"], sort=True):
        first = rows.iloc[0]
        usual, forecast = float(first["usual"]), float(first["forecast"])
        change = forecast / usual - 1.0 if usual > 0 else None
        enough = bool(first["history_share"] >= MIN_HISTORY_SHARE)
        unusual = enough and change is not None and abs(change) >= threshold
        when: date = pd.Timestamp(day).date()
        why = why_line(
            when, change or 0.0, named_drivers(rows) if unusual else [], language, enough
        )
        days.append(
            {
                "run_date": window.business_date,
                "store_id": store_id,
                "date": when,
                "usual_visitors": usual,
                "forecast_visitors": forecast,
                "change_pct": change,
                "unusual": unusual,
                "enough_history": enough,
                "why": why,
                "model_name": MODEL_NAME,
                "model_version": version,
            }
        )
        drivers += [
            {
                "run_date": window.business_date,
                "store_id": store_id,
                "date": when,
                "driver": r.driver,
                "driver_group": r.group,
                "label": traffic_label(r.driver, language),
                "contribution_visitors": float(r.contribution),
                "model_version": version,
            }
            for r in rows.itertuples()
        ]
    return days, drivers


def explain_forecast(
    engine: Engine,
    settings: Settings,
    window: RunWindow,
    forecaster: TrafficForecaster,
    history: pd.DataFrame,
    future: pd.DataFrame | None,
    origin: pd.Timestamp,
    version: str,
) -> dict[str, Any]:
    """Attribute the forecast's first seven days and replace the run date's explanations."""
    from models.traffic.attribution import attribute_days

    began = time.monotonic()
    attribution = attribute_days(forecaster, history, future, origin, days=DAYS)
    days, drivers = day_records(attribution.table, settings, window, version)
    named = attribution.table[attribution.table["driver"] != "other"]
    importance = named.groupby("driver", sort=True)["contribution"].apply(
        lambda c: float(c.abs().mean())
    )
    importance = importance.sort_values(ascending=False, kind="stable")
    with engine.begin() as conn:
        # Deleting the days deletes their drivers too (foreign key, on delete cascade).
        replace_run(conn, "traffic_days", window.business_date, days)
        if drivers:
            conn.execute(sql("explanations/traffic_drivers_insert"), drivers)
        write_importance(
            conn, window.business_date, MODEL_NAME, version, importance, "visitors", len(days)
        )
    return {
        "traffic_days_explained": len(days),
        "traffic_unusual_days": sum(1 for d in days if d["unusual"]),
        "traffic_max_unexplained_share": round(attribution.max_residual_share, 4),
        "explain_traffic_s": round(time.monotonic() - began, 2),
    }
