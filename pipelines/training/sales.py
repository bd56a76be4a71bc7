"""Nightly training of the daily sales forest (``sales_rf``) and tonight's sales forecast.

The challenger learns from everything up to 14 days before the business date and is scored,
like the champion, on those last 14 days (WAPE against the actual sales).
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.db.partitions import ensure_months
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

MODEL_NAME = "sales_rf"
HISTORY_DAYS = 730
FORECAST_DAYS = 14


class SalesModel:
    """What the registry stores: the fitted forest with its feature pipeline (skops)."""

    def __init__(self, forecaster: Any) -> None:
        self.forecaster = forecaster

    def predict_frame(self, sales: pd.DataFrame) -> pd.DataFrame:
        return self.forecaster.predict(pd.to_datetime(sales["date"]).max(), sales)


def load_inputs(engine: Engine, window: RunWindow) -> Any:
    from models.sales.frame import SalesInputs

    last = window.business_date
    params = {"first": last - timedelta(days=HISTORY_DAYS), "last": last}
    with engine.connect() as conn:
        sales = pd.read_sql(sql("training/sales_daily"), conn, params=params)
        promotions = pd.read_sql(
            sql("training/sales_promotions"),
            conn,
            params=params | {"last": last + timedelta(days=FORECAST_DAYS), "as_of": last},
        )
        weather = pd.read_sql(sql("training/sales_weather"), conn, params=params)
    return SalesInputs(sales=sales, promotions=promotions, weather=weather)


def _score(forecaster: Any, inputs: Any, origin: pd.Timestamp) -> dict[str, Any]:
    from models.sales.backtest import fold_forecast
    from models.sales.metrics import score

    frame = fold_forecast(forecaster, inputs, origin)
    result = score(frame)
    return {
        "holdout_wape": result["model"]["wape"],
        "holdout_seasonal_naive_wape": result["seasonal_naive"]["wape"],
        "holdout_wape_ratio_vs_naive": result["ratio"]["wape"],
        "holdout_mae": result["model"]["mae"],
        "holdout_rmse": result["model"]["rmse"],
    }


def _choose_family(
    forest: Any,
    forest_scores: dict[str, Any],
    config: Any,
    inputs: Any,
    origin: pd.Timestamp,
    peer_params: dict[str, Any] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Tonight's challenger family: the LightGBM peer (same features, same rows) replaces the
    forest when it scores better on the same holdout; the decision, why, and both scores go to
    MLflow (param ``model_family``, tag ``nightshift.family_choice``, family_choice.json)."""
    import mlflow

    from models.sales.peer import LightGbmSalesForecaster

    peer = LightGbmSalesForecaster(config, **(peer_params or {}))
    peer.fit_inputs(inputs.sales_until(origin))
    peer_scores = _score(peer, inputs, origin)
    forest_wape, peer_wape = forest_scores["holdout_wape"], peer_scores["holdout_wape"]
    chosen = "lightgbm" if peer_wape < forest_wape else "random_forest"
    reason = (
        f"holdout WAPE: random forest {forest_wape:.4f}, LightGBM peer {peer_wape:.4f} on the "
        f"same {FORECAST_DAYS} days; {chosen} is tonight's challenger"
        + (
            " (the promotion plan then has no per-tree interval: its confidence reads low)"
            if chosen == "lightgbm"
            else ""
        )
    )
    mlflow.log_param("model_family", chosen)
    mlflow.log_metrics(
        {"forest_holdout_wape": float(forest_wape), "peer_holdout_wape": float(peer_wape)}
    )
    mlflow.set_tag("nightshift.family_choice", reason)
    mlflow.log_dict(
        {"chosen": chosen, "reason": reason, "forest": forest_scores, "peer": peer_scores},
        "family_choice.json",
    )
    return (peer, peer_scores) if chosen == "lightgbm" else (forest, forest_scores)


def _plot_importances(importances: dict[str, float], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    top = list(importances.items())[:15][::-1]
    figure, axis = plt.subplots(figsize=(7, 5))
    axis.barh([name for name, _ in top], [value for _, value in top])
    axis.set_title("sales_rf feature importances")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def train(
    engine: Engine, settings: Settings, window: RunWindow, full: bool = False
) -> dict[str, Any]:
    """Fit a challenger forest (always from scratch: ``full`` only skips the reuse check), score
    it and the champion on the last 14 days, promote the better."""
    import mlflow

    from models.sales.config import SalesConfig
    from models.sales.forest import SalesForecaster
    from pipelines.explanations.mlflow_summary import log_sales_summary
    from pipelines.tracking import configure_mlflow
    from pipelines.training import promotion
    from pipelines.training.baselines import announce
    from pipelines.training.fingerprint import code_fingerprint
    from pipelines.training.mlflow_models import log_model, try_load
    from pipelines.training.reuse import data_fingerprint, reuse_existing
    from pipelines.training.runs import training_run
    from pipelines.training.serving import baseline_version

    config = SalesConfig(country=settings.country)
    configure_mlflow(settings)
    fingerprint = data_fingerprint(
        engine,
        window.business_date - timedelta(days=HISTORY_DAYS),
        # Promotions ahead come from tonight's own export (core.promotions_as_of): nothing
        # loaded after the business date changes what this night trains on.
        window.business_date,
        config.to_dict() | {"peer": settings.sales_peer},
        code_fingerprint(MODEL_NAME),
    )
    if not full:
        reused = reuse_existing(engine, settings, window, MODEL_NAME, "holdout_wape",
                                    False, fingerprint)  # fmt: skip
        if reused:
            return reused
    inputs = load_inputs(engine, window)
    origin = pd.Timestamp(window.business_date - timedelta(days=FORECAST_DAYS))
    baseline = baseline_version(engine, MODEL_NAME, window)
    loaded, unreadable = try_load(MODEL_NAME, baseline)
    champion = loaded[0].forecaster if loaded else None
    with training_run(MODEL_NAME, window, fingerprint, full) as run:
        challenger = SalesForecaster(config).fit_inputs(inputs.sales_until(origin))
        scores = _score(challenger, inputs, origin)
        if settings.sales_peer:
            challenger, scores = _choose_family(challenger, scores, config, inputs, origin)
        else:
            mlflow.log_param("model_family", "random_forest")
        champion_scores = _score(champion, inputs, origin) if champion else None
        importances = challenger.feature_importances()
        mlflow.log_params(config.to_dict())
        mlflow.log_dict(
            {"first": str(inputs.sales["date"].min()), "last": str(window.business_date),
             "holdout_origin": str(origin.date()), "training_rows": challenger.training_rows},
            "data_window.json",
        )  # fmt: skip
        mlflow.log_metrics({k: float(v) for k, v in scores.items() if v is not None})
        if champion_scores:
            mlflow.log_metric("champion_holdout_wape", champion_scores["holdout_wape"])
        mlflow.log_dict(importances, "feature_importances.json")
        explained = log_sales_summary(challenger, inputs, origin)  # SHAP plot + table
        with tempfile.TemporaryDirectory() as tmp:
            _plot_importances(importances, f"{tmp}/feature_importances.png")
            mlflow.log_artifact(f"{tmp}/feature_importances.png", "plots")
        example = inputs.sales.tail(200)
        uri = log_model(
            SalesModel(challenger), "model", example, SalesModel(challenger).predict_frame(example)
        )
        decision, version = promotion.settle(
            engine, window.business_date, MODEL_NAME, "holdout_wape", scores, champion_scores,
            settings.promotion_margin, run.info.run_id, uri, unreadable,
            baseline=baseline, backfill=window.backfill,
            simple_baseline=_simple_baseline(scores),
        )  # fmt: skip
    return (
        {
            "mlflow_run_id": run.info.run_id,
            "version": version,
            "promoted": decision.promoted,
            "holdout_wape": round(scores["holdout_wape"], 4),
            "wape_ratio_vs_naive": round(scores["holdout_wape_ratio_vs_naive"] or 0.0, 3),
        }
        | announce(settings, window.business_date, decision)
        | explained
    )


def _simple_baseline(scores: dict[str, Any]) -> Any:
    """Seasonal naive's WAPE on the challenger's holdout rows (None when it has none)."""
    from pipelines.training.baselines import Baseline, strongest

    naive = scores["holdout_seasonal_naive_wape"]
    return strongest([Baseline("seasonal_naive", float("nan") if naive is None else naive)],
                     higher_is_better=False)  # fmt: skip


def forecast(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    """Tonight's 14-day forecast from the night's model, or from seasonal naive when the
    night serves that baseline (rows labelled ``baseline:seasonal_naive``), and why each
    model row says what it says."""
    from models.sales.baseline import seasonal_naive_forecast
    from models.sales.config import SalesConfig
    from pipelines.explanations import sales as explain_sales
    from pipelines.explanations.tables import clear_explanations, explain_safely
    from pipelines.training.serving import BaselineServed, load_for_night

    inputs = load_inputs(engine, window)
    origin = pd.Timestamp(window.business_date)
    tables = ("sales_drivers", "feature_importance")
    try:
        model, version = load_for_night(engine, settings, MODEL_NAME, window)
    except BaselineServed as served:
        version = served.label
        predicted = seasonal_naive_forecast(SalesConfig(country=settings.country), origin, inputs)
        _publish(engine, window, predicted, version)
        clear_explanations(engine, window.business_date, tables, MODEL_NAME)  # nothing to explain
        notice = f"{served}: published seasonal naive's forecast"
        return {
            "sales_rows": len(predicted),
            "sales_model_version": version,
            "sales_notice": notice,
        }
    rows = model.forecaster.horizon_rows(origin, inputs)
    predicted = model.forecaster.forecast_rows(rows)
    _publish(engine, window, predicted, version)
    # Why each row says what it says, from the rows just forecast (nothing is read twice).
    explained = explain_safely(
        "sales", engine, window.business_date, tables,
        lambda: explain_sales.explain_forecast(
            engine, settings, window, model.forecaster, rows, version
        ),
        model_name=MODEL_NAME,
    )  # fmt: skip
    return {"sales_rows": len(predicted), "sales_model_version": version} | explained


def _publish(engine: Engine, window: RunWindow, predicted: pd.DataFrame, version: str) -> None:
    """Replace the run date's rows of forecast.sales_daily in one transaction."""
    records = [
        {
            "run_date": window.business_date,
            "store_id": r.store_id,
            "date": pd.Timestamp(r.date).date(),
            "category": r.category,
            "prediction": float(r.prediction),
            "model_name": MODEL_NAME,
            "model_version": version,
        }
        for r in predicted.itertuples()
    ]
    ensure_months(engine, ["forecast.sales_daily"], [window.business_date])
    with engine.begin() as conn:
        conn.execute(sql("forecast/sales_daily_delete"), {"run_date": window.business_date})
        conn.execute(sql("forecast/sales_daily_insert"), records)
