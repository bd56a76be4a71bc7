"""Time-ordered backtest: expanding-window folds of one horizon each at the end of the history.

For each fold origin T the forest is fitted on sales up to T only and forecasts T+1..T+horizon
from what was known at T; forecasts are scored against the actuals and seasonal naive (pure
orchestration, no I/O).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from models.sales.config import SalesConfig
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs, clean_sales
from models.sales.metrics import backtest_metrics
from models.sales.totals import with_store_totals
from pipelines.errors import NightshiftError


@dataclass(frozen=True)
class BacktestResult:
    # store_id, category, origin, date, horizon, prediction, seasonal_naive, actual; store
    # totals as category TOTAL_CATEGORY.
    forecasts: pd.DataFrame
    metrics: dict[str, Any]
    importances: dict[str, float]  # of the last fold's forest
    fit_seconds: list[float]
    model: SalesForecaster  # the last fold's, fitted on sales up to its origin


def backtest_origins(last_day: pd.Timestamp, horizon: int, folds: int) -> list[pd.Timestamp]:
    """``last_day - k * horizon`` for k = folds..1, so the last fold ends on ``last_day``."""
    last = pd.Timestamp(last_day).normalize()
    return [last - pd.Timedelta(days=k * horizon) for k in range(folds, 0, -1)]


def promotions_known_at(promotions: pd.DataFrame | None, origin: pd.Timestamp) -> Any:
    """The plan as it stood at ``origin``: with a ``first_seen`` column (the day a promotion
    was first exported), future rows not announced by then are dropped; past rows stay."""
    if promotions is None or "first_seen" not in promotions.columns:
        return promotions
    day = pd.to_datetime(promotions["date"])
    known = (day <= origin) | (pd.to_datetime(promotions["first_seen"]) <= origin)
    return promotions[known]


def fold_forecast(
    forecaster: SalesForecaster, inputs: SalesInputs, origin: pd.Timestamp
) -> pd.DataFrame:
    """Category rows for one origin with the model, seasonal naive and the actual."""
    known = replace(inputs, promotions=promotions_known_at(inputs.promotions, origin))
    rows = forecaster.horizon_rows(origin, known.sales_until(origin))
    forecast = rows.keys[["store_id", "category", "origin", "date", "horizon"]].assign(
        prediction=forecaster.predict_rows(rows), seasonal_naive=rows.seasonal_naive
    )
    sales = clean_sales(inputs.sales)
    actual = forecast.merge(sales, on=["store_id", "category", "date"], how="left")["sales"]
    # A store that reported that day but not this category sold none of it.
    reported = forecast["date"] <= sales["date"].max()
    return forecast.assign(actual=actual.where(actual.notna() | ~reported, 0.0).to_numpy())


def run_backtest(
    inputs: SalesInputs,
    config: SalesConfig,
    folds: int = 4,
    peer: bool = False,
    peer_params: dict[str, Any] | None = None,
) -> BacktestResult:
    """Refit before every fold (expanding window) and score all folds. ``peer``: also fit
    the LightGBM peer (models.sales.peer, ``peer_params`` overriding its defaults) on the same
    rows each fold; its forecasts are the ``peer`` column, scored like the forest's."""
    from models.sales.peer import LightGbmSalesForecaster

    if folds < 1:
        raise NightshiftError(f"folds must be at least 1, got {folds}")
    last_day = clean_sales(inputs.sales)["date"].max()
    frames, seconds, peer_seconds = [], [], []
    forecaster = SalesForecaster(config)
    for origin in backtest_origins(last_day, config.horizon, folds):
        forecaster = SalesForecaster(config).fit_inputs(inputs.sales_until(origin))
        seconds.append(round(forecaster.fit_seconds, 2))
        frame = fold_forecast(forecaster, inputs, origin)
        if peer:
            other = LightGbmSalesForecaster(config, **(peer_params or {}))
            other.fit_inputs(inputs.sales_until(origin))
            peer_seconds.append(round(other.fit_seconds, 2))
            frame["peer"] = fold_forecast(other, inputs, origin)["prediction"].to_numpy()
        frames.append(frame)
    values = ("prediction", "seasonal_naive", "actual", *(("peer",) if peer else ()))
    forecasts = with_store_totals(pd.concat(frames, ignore_index=True), values)
    metrics = backtest_metrics(forecasts)
    if peer:
        metrics["peer_fit_seconds"] = peer_seconds
    return BacktestResult(
        forecasts=forecasts,
        metrics=metrics,
        importances=forecaster.feature_importances(),
        fit_seconds=seconds,
        model=forecaster,
    )


def tune_min_samples_leaf(
    inputs: SalesInputs, config: SalesConfig, candidates: Sequence[int], folds: int = 2
) -> tuple[int, dict[int, float]]:
    """The candidate with the lowest store-category WAPE over the last ``folds`` folds, and
    every candidate's WAPE (cheap enough to rerun when the chain grows)."""
    scores: dict[int, float] = {}
    for leaf in candidates:
        result = run_backtest(inputs, replace(config, min_samples_leaf=leaf), folds)
        wape = result.metrics["category"].get("model", {}).get("wape")
        scores[leaf] = float(wape) if wape is not None else float(np.inf)
    return min(scores, key=lambda leaf: scores[leaf]), scores
