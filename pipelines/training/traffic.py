"""Nightly training of the foot-traffic RNN (``traffic_rnn``) and tonight's traffic forecast.

The challenger is fine-tuned from the champion's weights (a cold start when there is none),
trained on everything before the last week, and scored with the champion on that same week.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.errors import NightshiftError
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

MODEL_NAME = "traffic_rnn"
HISTORY_DAYS = 730
HOLDOUT_HOURS = 168


class TrafficModel:
    """What the registry stores: the fitted forecaster (its weights as safetensors and its
    settings as JSON; see mlflow_models)."""

    def __init__(self, forecaster: Any) -> None:
        self.forecaster = forecaster

    def predict_frame(self, history: pd.DataFrame) -> pd.DataFrame:
        return self.forecaster.predict(history)


def history_end(window: RunWindow) -> pd.Timestamp:
    """Exclusive end of the known hours: midnight after the business date."""
    return pd.Timestamp(datetime.combine(window.business_date + timedelta(days=1), time.min))


def load_history(engine: Engine, first: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(
            sql("training/traffic_history"),
            conn,
            params={"first": first.to_pydatetime(), "end": end.to_pydatetime()},
        )
    frame["ts"] = pd.to_datetime(frame["ts"])
    return frame


def future_inputs(
    engine: Engine, window: RunWindow, origin: pd.Timestamp, hours: int
) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(
            sql("training/traffic_future_inputs"),
            conn,
            params={
                "business_date": window.business_date,
                "origin": origin.to_pydatetime(),
                "end": (origin + pd.Timedelta(hours=hours)).to_pydatetime(),
            },
        )
    frame["ts"] = pd.to_datetime(frame["ts"])
    return frame


def evaluate(forecaster: Any, history: pd.DataFrame, origin: pd.Timestamp) -> dict[str, Any]:
    """Score a forecast from ``origin`` against the observed hours after it; the horizon's
    inputs are the observed ones (tonight's forecasts stand in for them in production). The
    simple baselines are scored on the same hours (``baseline_maes``)."""
    horizon = history[history["ts"] >= origin]
    predicted = forecaster.predict(
        history[history["ts"] < origin], future_exog=horizon.drop(columns="count"), origin=origin
    )
    scored = predicted.merge(horizon[["location_id", "ts", "count"]], on=["location_id", "ts"])
    scored = scored.dropna(subset=["count"])
    mae = float((scored["p50"] - scored["count"]).abs().mean())
    baselines = baseline_maes(history, origin, forecaster.config.horizon, scored)
    naive_mae = baselines["seasonal_naive"]
    inside = (scored["count"] >= scored["p10"]) & (scored["count"] <= scored["p90"])
    return {
        "holdout_mae": mae,
        "holdout_seasonal_naive_mae": naive_mae,
        "holdout_same_hour_mean_4w_mae": baselines["same_hour_mean_4w"],
        "holdout_mae_ratio_vs_naive": mae / naive_mae if naive_mae else None,
        "holdout_coverage_p10_p90": float(inside.mean()),
        "holdout_hours_scored": len(scored),
        "frame": scored,
    }


def baseline_maes(
    history: pd.DataFrame, origin: pd.Timestamp, hours: int, scored: pd.DataFrame
) -> dict[str, float | None]:
    """P50 MAE of each simple baseline (models.traffic.baselines) on the ``scored`` hours."""
    from models.traffic.baselines import BASELINES, baseline_forecast

    before = history[history["ts"] < origin]
    maes: dict[str, float | None] = {}
    for kind in BASELINES:
        forecast = baseline_forecast(before, origin, hours, kind)
        both = scored[["location_id", "ts", "count"]].merge(forecast, on=["location_id", "ts"])
        maes[kind] = float((both["p50"] - both["count"]).abs().mean()) if len(both) else None
    return maes


def simple_baseline(scores: dict[str, Any]) -> Any:
    """The stronger simple baseline on the challenger's holdout (what a first model must beat)."""
    from pipelines.training.baselines import Baseline, strongest

    return strongest(
        [Baseline("seasonal_naive", scores["holdout_seasonal_naive_mae"] or float("nan")),
         Baseline("same_hour_mean_4w", scores["holdout_same_hour_mean_4w_mae"] or float("nan"))],
        higher_is_better=False,
    )  # fmt: skip


def _plot(scored: pd.DataFrame, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stores = sorted(scored["location_id"].unique())[:3]
    figure, axes = plt.subplots(len(stores), 1, figsize=(11, 2.6 * len(stores)), squeeze=False)
    for axis, store in zip(axes[:, 0], stores, strict=True):
        rows = scored[scored["location_id"] == store].sort_values("ts")
        axis.fill_between(rows["ts"], rows["p10"], rows["p90"], alpha=0.3, label="P10-P90")
        axis.plot(rows["ts"], rows["p50"], label="P50")
        axis.plot(rows["ts"], rows["count"], color="black", linewidth=0.8, label="actual")
        axis.set_title(f"{store}: holdout week, forecast vs actual")
    axes[0, 0].legend(loc="upper right")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def train(
    engine: Engine, settings: Settings, window: RunWindow, full: bool = False
) -> dict[str, Any]:
    """Fine-tune a challenger from the champion (``full``: from scratch), score both on the last
    week, promote the better; reuse the champion when the training data is unchanged."""
    import tempfile

    import mlflow

    from models.traffic.config import TrafficConfig
    from models.traffic.forecast import TrafficForecaster
    from pipelines.explanations.mlflow_summary import log_traffic_summary
    from pipelines.tracking import configure_mlflow
    from pipelines.training import promotion
    from pipelines.training.baselines import announce
    from pipelines.training.fingerprint import code_fingerprint
    from pipelines.training.mlflow_models import log_model, try_load
    from pipelines.training.reuse import data_fingerprint, reuse_existing
    from pipelines.training.runs import training_run
    from pipelines.training.serving import baseline_version

    end = history_end(window)
    config = replace(TrafficConfig(), device=settings.train_device, country=settings.country)
    configure_mlflow(settings)
    fingerprint = data_fingerprint(
        engine,
        window.business_date - timedelta(days=HISTORY_DAYS),
        window.business_date,
        config.to_dict() | {"device": None},  # the device kind is in the code fingerprint
        code_fingerprint(MODEL_NAME, settings.train_device),
    )
    if not full:
        reused = reuse_existing(engine, settings, window, MODEL_NAME, "holdout_mae",
                                    False, fingerprint)  # fmt: skip
        if reused:
            return reused
    history = load_history(engine, end - pd.Timedelta(days=HISTORY_DAYS), end)
    origin = end - pd.Timedelta(hours=HOLDOUT_HOURS)
    needed = config.lookback + 2 * HOLDOUT_HOURS
    if history.empty or history["ts"].nunique() < needed:
        raise NightshiftError(
            f"{MODEL_NAME}: needs at least {needed // 24} days of door counts before "
            f"{window.business_date}; load more history (nightshift ingest)"
        )
    baseline = baseline_version(engine, MODEL_NAME, window)
    loaded, unreadable = try_load(MODEL_NAME, baseline)
    champion = loaded[0].forecaster if loaded else None
    # A full retrain starts from random weights but must still beat the champion.
    warm = champion.state_dict() if champion and not full else None
    with training_run(MODEL_NAME, window, fingerprint, full) as run:
        challenger = TrafficForecaster(config).fit(history[history["ts"] < origin], warm)
        scores = evaluate(challenger, history, origin)
        champion_scores = evaluate(champion, history, origin) if champion else None
        mlflow.log_params(config.to_dict() | {"warm_start": warm is not None})
        mlflow.log_dict(
            {"first": str(history["ts"].min()), "end": str(end), "holdout_origin": str(origin),
             "stores": sorted(history["location_id"].unique())},
            "data_window.json",
        )  # fmt: skip
        mlflow.log_metrics({k: v for k, v in scores.items() if isinstance(v, float)})
        mlflow.log_metric("interval_scale", challenger.interval_scale)  # band calibration
        if champion_scores:
            mlflow.log_metric("champion_holdout_mae", champion_scores["holdout_mae"])
        with tempfile.TemporaryDirectory() as tmp:
            _plot(scores["frame"], f"{tmp}/forecast_vs_actual.png")
            mlflow.log_artifact(f"{tmp}/forecast_vs_actual.png", "plots")
        explained = log_traffic_summary(challenger, history, origin)  # attribution plot + table
        example = history[history["location_id"] == history["location_id"].iloc[0]].tail(
            config.context
        )
        uri = log_model(
            TrafficModel(challenger), "model", example, challenger.predict(example).head(24)
        )
        decision, version = promotion.settle(
            engine, window.business_date, MODEL_NAME, "holdout_mae", scores, champion_scores,
            settings.promotion_margin, run.info.run_id, uri, unreadable,
            baseline=baseline, backfill=window.backfill, simple_baseline=simple_baseline(scores),
        )  # fmt: skip
    return (
        {
            "mlflow_run_id": run.info.run_id,
            "version": version,
            "promoted": decision.promoted,
            "holdout_mae": round(scores["holdout_mae"], 3),
            "coverage": round(scores["holdout_coverage_p10_p90"], 3),
        }
        | announce(settings, window.business_date, decision)
        | explained
    )
