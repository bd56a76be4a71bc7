"""Accuracy of backtest forecasts against the simple baselines (pure: DataFrame in, dict out)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

# Forecast columns scored as point forecasts, by the name used in the metrics.
POINT_FORECASTS = {
    "model": "p50",
    "seasonal_naive": "seasonal_naive",
    "same_hour_mean_4w": "same_hour_mean_4w",
}
# Scored too when the backtest computed it (it costs a model fit).
OPTIONAL_BASELINES = ("gbm_on_lags",)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def score(frame: pd.DataFrame, mase_scale: pd.Series) -> dict[str, Any]:
    """MAE/MASE of the model's P50 and of each baseline on the rows where the actual and every
    forecast are known, their ratios, and how often the actual falls within P10-P90.

    ``mase_scale`` maps location_id to its in-sample seasonal-naive MAE.
    """
    forecasts = POINT_FORECASTS | {b: b for b in OPTIONAL_BASELINES if b in frame.columns}
    baselines = [name for name in forecasts if name != "model"]
    rows = frame.dropna(subset=["actual", *forecasts.values()])
    result: dict[str, Any] = {"rows": len(rows)}
    if rows.empty:
        return result
    actual = rows["actual"].to_numpy()
    scale = rows["location_id"].map(mase_scale).to_numpy(dtype=float)
    for name, column in forecasts.items():
        error = np.abs(actual - rows[column].to_numpy())
        with np.errstate(invalid="ignore", divide="ignore"):
            scaled = error / scale
        result[name] = {
            "mae": float(error.mean()),
            "mase": float(np.nanmean(scaled)) if np.isfinite(scaled).any() else None,
        }
    for baseline in baselines:
        result[f"ratio_vs_{baseline}"] = {
            metric: (
                _ratio(result["model"][metric], result[baseline][metric])
                if result["model"][metric] is not None and result[baseline][metric] is not None
                else None
            )
            for metric in ("mae", "mase")
        }
    below = actual < rows["p10"].to_numpy()
    above = actual > rows["p90"].to_numpy()
    result["coverage_p10_p90"] = float(1 - (below | above).mean())
    result["share_below_p10"] = float(below.mean())
    result["share_above_p90"] = float(above.mean())
    # Closed hours (4-week mean of 0) are always covered; judge calibration on open hours.
    open_hours = rows["same_hour_mean_4w"].to_numpy() > 0
    result["open_hours"] = int(open_hours.sum())
    if open_hours.any():
        result["coverage_p10_p90_open_hours"] = float(1 - (below | above)[open_hours].mean())
    return result


def backtest_metrics(forecasts: pd.DataFrame, mase_scale: pd.Series) -> dict[str, Any]:
    """Scores over all folds and per fold (one fold per forecast origin)."""
    folds = [
        {"origin": str(origin), **score(fold, mase_scale)}
        for origin, fold in forecasts.groupby("origin", sort=True)
    ]
    return {"overall": score(forecasts, mase_scale), "folds": folds}


def format_table(metrics: dict[str, Any]) -> str:
    """A short plain-text summary: one line per fold and one overall. Ratios are model MAE
    over baseline MAE (below 1: the model wins)."""
    ratios = [
        (label, f"ratio_vs_{name}")
        for label, name in (
            ("vs naive", "seasonal_naive"),
            ("vs 4w mean", "same_hour_mean_4w"),
            ("vs GBM", "gbm_on_lags"),
        )
        if f"ratio_vs_{name}" in metrics["overall"]
    ]
    header = f"{'fold':<20} {'rows':>7} {'MAE':>9} {'MASE':>6} " + " ".join(
        [*(f"{label:>10}" for label, _ in ratios), f"{'P10-P90':>8}", f"{'open h':>8}"]
    )

    def line(label: str, block: dict[str, Any]) -> str:
        if "model" not in block:
            return f"{label:<20} {block['rows']:>7}  (no scorable rows)"
        cells = [
            *(f"{_fmt(block[key]['mae']):>10}" for _, key in ratios),
            f"{block['coverage_p10_p90']:>8.1%}",
            f"{block.get('coverage_p10_p90_open_hours', float('nan')):>8.1%}",
        ]
        return (
            f"{label:<20} {block['rows']:>7} {block['model']['mae']:>9.3f} "
            f"{_fmt(block['model']['mase']):>6} " + " ".join(cells)
        )

    lines = [header, "-" * len(header)]
    lines += [line(fold["origin"], fold) for fold in metrics["folds"]]
    lines.append(line("overall", metrics["overall"]))
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
