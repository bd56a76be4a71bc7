"""Rolling-origin backtest: train before the first origin, forecast every origin from the data
strictly before it, and score against the simple baselines (pure orchestration, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from models.traffic.baselines import same_hour_mean, seasonal_naive, seasonal_naive_scale
from models.traffic.config import TrafficConfig
from models.traffic.data import HOUR, build_panel, clean_history
from models.traffic.features import detect_exog_columns
from models.traffic.metrics import backtest_metrics
from pipelines.errors import NightshiftError

if TYPE_CHECKING:
    from models.traffic.forecast import TrafficForecaster


@dataclass(frozen=True)
class BacktestResult:
    # One row per (location_id, origin, ts): p10, p50, p90, actual and the baselines.
    forecasts: pd.DataFrame
    metrics: dict[str, Any]


def backtest_origins(last_ts: pd.Timestamp, horizon: int, folds: int) -> list[pd.Timestamp]:
    """``T - k * horizon`` for k = folds..1, where T is one hour after the last timestamp."""
    end = pd.Timestamp(last_ts).floor("h") + HOUR
    return [end - k * horizon * HOUR for k in range(folds, 0, -1)]


def run_backtest(
    history: pd.DataFrame,
    config: TrafficConfig,
    folds: int,
    *,
    refit: bool = False,
    gbm_baseline: bool = False,
) -> BacktestResult:
    """Train once on the data before the first origin (``refit``: also fine-tune the weights
    on the data before each later origin) and forecast every origin. ``gbm_baseline`` also
    fits and scores the gradient-boosted lags baseline, trained on the same data."""
    from models.traffic.forecast import TrafficForecaster
    from models.traffic.gbm import GbmOnLags

    if folds < 1:
        raise NightshiftError(f"--folds must be at least 1, got {folds}")
    exog = (
        detect_exog_columns(list(history.columns))
        if config.exog_columns is None
        else config.exog_columns
    )
    table = clean_history(history, exog)
    if table.empty:
        raise NightshiftError("traffic history has no rows")
    origins = backtest_origins(table["ts"].max(), config.horizon, folds)
    hours = int((origins[-1] + config.horizon * HOUR - table["ts"].min()) // HOUR)
    needed = config.lookback + folds * config.horizon
    if hours < needed:
        raise NightshiftError(
            f"too little history for the backtest: {hours} hours, need at least {needed} "
            f"(lookback {config.lookback} + {folds} folds x horizon {config.horizon})"
        )

    forecaster = TrafficForecaster(config)
    forecaster.fit(table[table["ts"] < origins[0]])
    training = _training_summary(forecaster)
    gbm = GbmOnLags(config).fit(table[table["ts"] < origins[0]]) if gbm_baseline else None
    frames = []
    for k, origin in enumerate(origins):
        before = table[table["ts"] < origin]
        if refit and k > 0:
            forecaster.fit(before, init_state=forecaster.state_dict())
        horizon_rows = table[
            (table["ts"] >= origin) & (table["ts"] < origin + config.horizon * HOUR)
        ]
        # The horizon's observed exogenous values stand in for their forecasts: exact for
        # planned promotions, optimistic for weather.
        future_exog = horizon_rows[["location_id", "ts", *exog]] if exog else None
        forecast = forecaster.predict(before, future_exog=future_exog, origin=origin)
        if gbm is not None:
            boosted = gbm.predict(before, future_exog=future_exog, origin=origin)
            forecast["gbm_on_lags"] = boosted["p50"].to_numpy()  # same (location, ts) order
        frames.append(forecast.assign(origin=origin))
    forecasts = _with_actuals_and_baselines(pd.concat(frames, ignore_index=True), table, config)

    panel = build_panel(table[table["ts"] < origins[0]], ())
    scale = pd.Series(seasonal_naive_scale(panel.counts), index=list(panel.locations))
    metrics = backtest_metrics(forecasts, scale)
    metrics["training"] = training
    metrics["origins"] = [str(o) for o in origins]
    metrics["horizon"] = config.horizon
    metrics["exog_columns"] = list(exog)
    metrics["config"] = config.to_dict()
    return BacktestResult(forecasts=forecasts, metrics=metrics)


def _with_actuals_and_baselines(
    forecasts: pd.DataFrame, table: pd.DataFrame, config: TrafficConfig
) -> pd.DataFrame:
    panel = build_panel(table, ())
    # Room before the data for baselines that look back 4 weeks, and after it for horizons.
    before = config.context
    padded = panel.padded(before, config.horizon)
    rows = pd.Index(padded.locations).get_indexer(forecasts["location_id"])
    cols = ((forecasts["ts"] - padded.start) // HOUR).to_numpy(dtype=np.int64)
    naive = np.full(len(forecasts), np.nan)
    mean = np.full(len(forecasts), np.nan)
    for origin, index in forecasts.groupby("origin").indices.items():
        at = padded.index_of(origin)
        steps = cols[index] - at
        naive[index] = seasonal_naive(padded.counts, at, config.horizon)[rows[index], steps]
        mean[index] = same_hour_mean(padded.counts, at, config.horizon)[rows[index], steps]
    actual = np.where(rows >= 0, padded.counts[np.maximum(rows, 0), cols], np.nan)
    columns = ["location_id", "origin", "ts", "p10", "p50", "p90"]
    ordered = forecasts[columns + [c for c in forecasts.columns if c not in columns]]
    return ordered.assign(actual=actual, seasonal_naive=naive, same_hour_mean_4w=mean)


def _training_summary(forecaster: TrafficForecaster) -> dict[str, Any]:
    report = forecaster.report
    assert report is not None
    return {
        "interval_scale": list(report.interval_scale),
        "epochs": report.epochs,
        "best_epoch": report.best_epoch,
        "best_validation_loss": report.best_validation_loss,
        "seconds": round(report.seconds, 2),
        "samples": report.samples,
        "samples_per_second": round(report.samples_per_second, 1),
        "device": report.device,
    }
