"""Forecast: tonight's forecasts from the night's models, written to forecast.* for the run
date (replacing that date's rows in one transaction). Every row names the model version, or
``baseline:<name>`` on a night whose first challenger lost to that baseline."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.db.partitions import ensure_months
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow


def forecast_traffic(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    from pipelines.explanations import traffic as explain_traffic
    from pipelines.explanations.tables import clear_explanations, explain_safely
    from pipelines.training import traffic
    from pipelines.training.serving import BaselineServed, load_for_night

    origin = traffic.history_end(window)
    tables = ("traffic_days", "feature_importance")
    try:
        model, version = load_for_night(engine, settings, traffic.MODEL_NAME, window)
    except BaselineServed as served:
        baseline = _baseline_traffic(engine, origin, served)
        written = _write_traffic(engine, settings, window, baseline, served.label)
        clear_explanations(engine, window.business_date, tables, traffic.MODEL_NAME)
        notice = {"traffic_notice": f"{served}: published the baseline's forecast"}
        return written | notice
    # As far back as the model reads (its lookback and the year-ago features).
    reach = pd.Timedelta(hours=model.forecaster.config.reach)
    history = traffic.load_history(engine, origin - reach, origin)
    horizon = model.forecaster.config.horizon
    future = traffic.future_inputs(engine, window, origin, horizon)
    predicted = model.forecaster.predict(history, future_exog=future, origin=origin)
    written = _write_traffic(engine, settings, window, predicted, version)
    # Why each of the plan's days is busier or quieter than usual, from the same inputs.
    explained = explain_safely(
        "traffic", engine, window.business_date, tables,
        lambda: explain_traffic.explain_forecast(
            engine, settings, window, model.forecaster, history, future, origin, version
        ),
        model_name=traffic.MODEL_NAME,
    )  # fmt: skip
    return written | explained


def _baseline_traffic(engine: Engine, origin: pd.Timestamp, served: Any) -> pd.DataFrame:
    """The baseline's 7-day forecast (models.traffic.baselines) from the last 4 weeks."""
    from models.traffic.baselines import baseline_forecast
    from models.traffic.config import ANCHOR_WEEKS, HOURS_PER_WEEK, TrafficConfig
    from pipelines.training import traffic
    from pipelines.training.baselines import BASELINE_PREFIX

    weeks = pd.Timedelta(hours=ANCHOR_WEEKS * HOURS_PER_WEEK)
    history = traffic.load_history(engine, origin - weeks, origin)
    kind = served.label.removeprefix(BASELINE_PREFIX)
    return baseline_forecast(history, origin, TrafficConfig().horizon, kind)


def _write_traffic(
    engine: Engine, settings: Settings, window: RunWindow, predicted: pd.DataFrame, version: str
) -> dict[str, Any]:
    from pipelines.training import traffic

    rows = [
        {
            "run_date": window.business_date,
            "store_id": r.location_id,
            "ts_local": r.ts.to_pydatetime(),
            "tz": settings.timezone,
            "p10": float(r.p10),
            "p50": float(r.p50),
            "p90": float(r.p90),
            "model_name": traffic.MODEL_NAME,
            "model_version": version,
        }
        for r in predicted.itertuples()
    ]
    ensure_months(engine, ["forecast.traffic_hourly"], [window.business_date])
    with engine.begin() as conn:
        conn.execute(sql("forecast/traffic_hourly_delete"), {"run_date": window.business_date})
        conn.execute(sql("forecast/traffic_hourly_insert"), rows)
    return {"traffic_rows": len(rows), "traffic_model_version": version}
