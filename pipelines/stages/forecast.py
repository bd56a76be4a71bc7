"""Forecast: tonight's forecasts from the night's models, written to forecast.* for the run
date (replacing that date's rows in one transaction). Every row names the model version."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow


def forecast_traffic(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    from pipelines.explanations import traffic as explain_traffic
    from pipelines.explanations.tables import explain_safely
    from pipelines.training import traffic
    from pipelines.training.serving import load_for_night

    model, version = load_for_night(engine, settings, traffic.MODEL_NAME, window)
    origin = traffic.history_end(window)
    # As far back as the model reads (its lookback and the year-ago features).
    reach = pd.Timedelta(hours=model.forecaster.config.reach)
    history = traffic.load_history(engine, origin - reach, origin)
    horizon = model.forecaster.config.horizon
    future = traffic.future_inputs(engine, window, origin, horizon)
    predicted = model.forecaster.predict(history, future_exog=future, origin=origin)
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
    with engine.begin() as conn:
        conn.execute(sql("forecast/traffic_hourly_delete"), {"run_date": window.business_date})
        conn.execute(sql("forecast/traffic_hourly_insert"), rows)
    # Why each of the plan's days is busier or quieter than usual, from the same inputs.
    explained = explain_safely(
        "traffic", engine, window.business_date, ("traffic_days", "feature_importance"),
        lambda: explain_traffic.explain_forecast(
            engine, settings, window, model.forecaster, history, future, origin, version
        ),
        model_name=traffic.MODEL_NAME,
    )  # fmt: skip
    return {"traffic_rows": len(rows), "traffic_model_version": version} | explained
