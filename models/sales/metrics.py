"""Accuracy of backtest forecasts against seasonal naive (pure: DataFrame in, dict out)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from models.sales.config import TOTAL_CATEGORY

FORECASTS = {"model": "prediction", "seasonal_naive": "seasonal_naive"}
ERRORS = ("mae", "rmse", "wape")


def error_metrics(actual: np.ndarray, forecast: np.ndarray) -> dict[str, float | None]:
    """MAE and RMSE in PEN; WAPE = sum |error| / sum actual (None when nothing was sold)."""
    error = actual - forecast
    volume = float(np.abs(actual).sum())
    return {
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error**2).mean())),
        "wape": float(np.abs(error).sum() / volume) if volume > 0 else None,
    }


def _ratios(model: dict[str, Any], naive: dict[str, Any]) -> dict[str, float | None]:
    return {
        metric: (
            model[metric] / naive[metric]
            if model[metric] is not None and naive[metric] not in (None, 0.0)
            else None
        )
        for metric in ERRORS
    }


def score(frame: pd.DataFrame) -> dict[str, Any]:
    """Errors of the model and of seasonal naive on the rows where both and the actual are
    known, and model / naive per error (below 1 = the model is better). With a ``peer``
    column (the LightGBM peer), its errors and ``peer_ratio`` too, on the same rows."""
    forecasts = FORECASTS | ({"peer": "peer"} if "peer" in frame.columns else {})
    rows = frame.dropna(subset=["actual", *forecasts.values()])
    result: dict[str, Any] = {"rows": len(rows)}
    if rows.empty:
        return result
    actual = rows["actual"].to_numpy(dtype=float)
    for name, column in forecasts.items():
        result[name] = error_metrics(actual, rows[column].to_numpy(dtype=float))
    result["ratio"] = _ratios(result["model"], result["seasonal_naive"])
    if "peer" in result:
        result["peer_ratio"] = _ratios(result["peer"], result["seasonal_naive"])
    return result


def by_level(frame: pd.DataFrame) -> dict[str, Any]:
    totals = frame["category"] == TOTAL_CATEGORY
    return {"category": score(frame[~totals]), "store": score(frame[totals])}


def backtest_metrics(forecasts: pd.DataFrame) -> dict[str, Any]:
    """Scores per level (store-category rows, store totals), overall and per fold (origin)."""
    folds = [
        {"origin": str(pd.Timestamp(origin).date()), **by_level(fold)}
        for origin, fold in forecasts.groupby("origin", sort=True)
    ]
    return {**by_level(forecasts), "folds": folds}


def format_table(metrics: dict[str, Any]) -> str:
    """One line per fold and level, then the overall lines."""
    header = (
        f"{'fold':<12} {'level':<9} {'rows':>6} {'MAE':>9} {'RMSE':>9} {'WAPE':>7} "
        f"{'naive WAPE':>10} {'WAPE ratio':>10}"
    )
    lines = [header, "-" * len(header)]

    def line(label: str, level: str, block: dict[str, Any]) -> str:
        if "model" not in block:
            return f"{label:<12} {level:<9} {block['rows']:>6}  (no scorable rows)"
        model, naive = block["model"], block["seasonal_naive"]
        return (
            f"{label:<12} {level:<9} {block['rows']:>6} {model['mae']:>9.1f} "
            f"{model['rmse']:>9.1f} {_fmt(model['wape']):>7} {_fmt(naive['wape']):>10} "
            f"{_fmt(block['ratio']['wape']):>10}"
        )

    for fold in metrics["folds"]:
        for level in ("category", "store"):
            lines.append(line(fold["origin"], level, fold[level]))
    for level in ("category", "store"):
        lines.append(line("overall", level, metrics[level]))
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
