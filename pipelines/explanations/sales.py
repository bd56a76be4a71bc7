"""Tonight's sales forecast explained: every row's top SHAP drivers into
explanations.sales_drivers, the forest's global importance into explanations.feature_importance.

Called by the forecast stage with the feature rows it just forecast from (nothing is read
twice). Every row of forecast.sales_daily gets drivers (store totals: their categories' drivers
summed), and base + the row's contributions = its forecast.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from pipelines.explanations.tables import optional, replace_run, write_importance
from pipelines.explanations.words import sales_label
from pipelines.settings import Settings
from pipelines.window import RunWindow

if TYPE_CHECKING:
    import pandas as pd

    from models.sales.features import FeatureRows
    from models.sales.forest import SalesForecaster

MODEL_NAME = "sales_rf"


def driver_records(
    drivers: pd.DataFrame, settings: Settings, window: RunWindow, version: str
) -> list[dict[str, Any]]:
    language = settings.report_language
    return [
        {
            "run_date": window.business_date,
            "store_id": r.store_id,
            "date": r.date.date(),
            "category": r.category,
            "rank": int(r.rank),
            "feature": r.feature,
            "label": sales_label(r.feature, r.feature_value, language),
            "feature_value": optional(r.feature_value),
            "contribution_pen": float(r.contribution_pen),
            "base_pen": float(r.base_pen),
            "prediction_pen": float(r.prediction_pen),
            "model_name": MODEL_NAME,
            "model_version": version,
        }
        for r in drivers.itertuples()
    ]


def explain_forecast(
    engine: Engine,
    settings: Settings,
    window: RunWindow,
    forecaster: SalesForecaster,
    rows: FeatureRows,
    version: str,
) -> dict[str, Any]:
    """Explain the forecast rows ``rows`` (as just forecast) and replace the run date's
    explanations; counts for the run log."""
    from models.sales.explain import (
        explain_rows,
        mean_abs_contribution,
        top_drivers,
        with_store_totals,
    )

    began = time.monotonic()
    explanation = with_store_totals(explain_rows(forecaster, rows))
    drivers = top_drivers(explanation, settings.explain_top_drivers)
    records = driver_records(drivers, settings, window, version)
    category_rows = int((explanation.keys["category"] != "__all__").sum())
    with engine.begin() as conn:
        replace_run(conn, "sales_drivers", window.business_date, records)
        write_importance(
            conn, window.business_date, MODEL_NAME, version,
            mean_abs_contribution(explanation), "PEN", category_rows,
        )  # fmt: skip
    error = explanation.additivity_error()
    return {
        "sales_rows_explained": len(explanation.keys),
        "sales_max_additivity_error_pen": round(float(error.max()), 6) if len(error) else 0.0,
        "explain_sales_s": round(time.monotonic() - began, 2),
    }
