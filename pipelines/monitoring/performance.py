"""How well each model did once the actuals landed (pure pandas on rows read by ``sql/monitoring``).

Per model, for the business date alone (``window_days`` 1) and for the trailing windows the
degradation checks judge (``monitor_shift_days``, ``monitor_window_days``), per store and for
the chain:

* traffic (``traffic_rnn``): P50 MAE, MASE (scaled by each store's seasonal-naive error over the
  4 weeks before the window), MAE ratio to seasonal naive (same hour last week) and to the 4-week
  same-hour mean, and the share of *open* hours (4-week mean above zero, as in the backtest)
  inside P10-P90;
* sales (``sales_rf``): MAE, WAPE and MAE ratio to seasonal naive (same weekday last week), on
  store totals;
* sentiment (``review_sentiment``): macro-F1 of the scored label against the star rating;
* churn (``customer_churn``): ROC AUC and Brier score of the scores of the night whose 30 days
  ended on the business date (``window_days`` 30).

Forecast models also keep their relative ``bias`` (sum of forecast minus actual over the actual:
a level shift shows there first) and the day's totals (``actual_total``, ``forecast_total``,
``abs_error_total``, ``horizon_days_min``/``max``): the analytics accuracy views add those up.
Each figure names the model versions whose predictions it scored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from pipelines.sqlfiles import sql

TRAFFIC, SALES, SENTIMENT, CHURN = "traffic_rnn", "sales_rf", "review_sentiment", "customer_churn"
CHURN_HORIZON_DAYS = 30


@dataclass(frozen=True)
class Figure:
    """One row of monitoring.model_performance (without the night's lineage)."""

    model_name: str
    scope: str  # 'chain' | 'store'
    store_id: str | None
    metric: str
    value: float | None
    n_obs: int
    window_days: int
    model_version: str | None


@dataclass(frozen=True)
class Scored:
    """The rows a model was scored on over its window, for its Evidently performance report."""

    model_name: str
    frame: pd.DataFrame
    first: date
    last: date


Metrics = dict[str, tuple[float | None, int]]  # metric -> (value, observations)


def _versions(values: Iterable[object]) -> str | None:
    found = sorted({str(v) for v in values if v is not None and not pd.isna(v)})
    return ", ".join(found) or None


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if len(values) else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _figures(
    model: str,
    frame: pd.DataFrame,
    window_days: int,
    metrics: Callable[[pd.DataFrame], Metrics],
    version_column: str = "model_version",
) -> list[Figure]:
    """``metrics`` of the chain and of each store with rows."""
    groups: list[tuple[str, str | None, pd.DataFrame]] = [("chain", None, frame)]
    groups += [("store", str(store), rows) for store, rows in frame.groupby("store_id", sort=True)]
    figures = []
    for scope, store, rows in groups:
        if rows.empty:
            continue
        version = _versions(rows[version_column])
        for metric, (value, n_obs) in metrics(rows).items():
            if n_obs > 0:
                figures.append(
                    Figure(model, scope, store, metric, value, n_obs, window_days, version)
                )
    return figures


def _totals(actual: np.ndarray, forecast: np.ndarray, horizon: np.ndarray) -> Metrics:
    """The additive totals (what the weekly accuracy views sum) and the relative bias."""
    n = len(actual)
    volume = float(actual.sum())
    return {
        "bias": ((float(forecast.sum()) - volume) / volume if volume > 0 else None, n),
        "actual_total": (float(actual.sum()), n),
        "forecast_total": (float(forecast.sum()), n),
        "abs_error_total": (float(np.abs(forecast - actual).sum()), n),
        "horizon_days_min": (float(horizon.min()), n),
        "horizon_days_max": (float(horizon.max()), n),
    }


def traffic_metrics(scale: pd.Series) -> Callable[[pd.DataFrame], Metrics]:
    """Traffic figures of some scored hours; ``scale``: store -> MASE denominator."""

    def metrics(rows: pd.DataFrame) -> Metrics:
        actual, p50 = rows["actual"].to_numpy(float), rows["p50"].to_numpy(float)
        error = np.abs(p50 - actual)
        mae = _mean(error)
        scales = rows["store_id"].map(scale).to_numpy(float)
        scaled = (
            error[np.isfinite(scales) & (scales > 0)] / scales[np.isfinite(scales) & (scales > 0)]
        )
        result = _totals(actual, p50, rows["horizon_days"].to_numpy(float))
        result |= {"p50_mae": (mae, len(rows)), "mase": (_mean(scaled), len(scaled))}
        for metric, baseline in (
            ("ratio_seasonal_naive", "seasonal_naive"),
            ("ratio_four_week_mean", "four_week_mean"),
        ):
            known = rows[baseline].notna().to_numpy()
            model_mae = _mean(error[known])
            base_mae = _mean(np.abs(rows[baseline].to_numpy(float)[known] - actual[known]))
            result[metric] = (_ratio(model_mae, base_mae), int(known.sum()))
        open_hours = (rows["four_week_mean"].fillna(0) > 0).to_numpy()
        inside = (actual >= rows["p10"].to_numpy(float)) & (actual <= rows["p90"].to_numpy(float))
        result["coverage_open_hours"] = (_mean(inside[open_hours]), int(open_hours.sum()))
        return result

    return metrics


def sales_metrics(rows: pd.DataFrame) -> Metrics:
    actual, forecast = rows["actual"].to_numpy(float), rows["forecast"].to_numpy(float)
    error = np.abs(forecast - actual)
    result = _totals(actual, forecast, rows["horizon_days"].to_numpy(float))
    volume = float(np.abs(actual).sum())
    known = rows["seasonal_naive"].notna().to_numpy()
    naive_mae = _mean(np.abs(rows["seasonal_naive"].to_numpy(float)[known] - actual[known]))
    result |= {
        "mae": (_mean(error), len(rows)),
        "wape": (float(error.sum()) / volume if volume > 0 else None, len(rows)),
        "ratio_seasonal_naive": (_ratio(_mean(error[known]), naive_mae), int(known.sum())),
    }
    return result


def sentiment_metrics(rows: pd.DataFrame) -> Metrics:
    from models.loyalty.labels import CLASS_NAMES, ratings_to_labels
    from models.loyalty.metrics import classification_report

    truth = ratings_to_labels(rows["rating"])
    predicted = rows["predicted"].map({name: i for i, name in enumerate(CLASS_NAMES)})
    report = classification_report(truth, predicted.to_numpy(int))
    return {
        "macro_f1": (report.macro_f1, len(rows)),
        "accuracy": (report.accuracy, len(rows)),
    }


def churn_metrics(rows: pd.DataFrame) -> Metrics:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    returned = rows["returned"].to_numpy(int)
    p_return = rows["p_return_30d"].to_numpy(float)
    both = len(set(returned.tolist())) == 2  # AUC needs members who came back and who did not
    return {
        "auc": (
            float(roc_auc_score(returned, p_return)) if both else None,
            len(rows) if both else 0,
        ),
        "brier": (float(brier_score_loss(returned, p_return)), len(rows)),
        "return_rate": (float(returned.mean()), len(rows)),
    }


def _read(engine: Engine, name: str, params: dict[str, object]) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sql(f"monitoring/{name}"), conn, params=params)


def _windows(
    model: str,
    frame: pd.DataFrame,
    day: date,
    windows: tuple[int, ...],
    metrics: Callable[[pd.DataFrame], Metrics],
) -> list[Figure]:
    """Figures over each trailing window ending on ``day`` (1 = the business date alone)."""
    dates = pd.to_datetime(frame["business_date"]).dt.date
    figures = []
    for days in sorted(set(windows)):
        rows = frame[dates > day - timedelta(days=days)]
        figures += _figures(model, rows, days, metrics)
    return figures


def traffic(engine: Engine, day: date, windows: tuple[int, ...]) -> tuple[list[Figure], Scored]:
    first = day - timedelta(days=max(windows) - 1)
    frame = _read(engine, "traffic_scored", {"first": first, "last": day})
    scale = _read(engine, "traffic_mase_scale", {"first": first})
    metrics = traffic_metrics(scale.set_index("store_id")["scale"])
    figures = _windows(TRAFFIC, frame, day, windows, metrics)
    return figures, Scored(TRAFFIC, frame, first, day)


def sales(engine: Engine, day: date, windows: tuple[int, ...]) -> tuple[list[Figure], Scored]:
    first = day - timedelta(days=max(windows) - 1)
    frame = _read(engine, "sales_scored", {"first": first, "last": day})
    figures = _windows(SALES, frame, day, windows, sales_metrics)
    return figures, Scored(SALES, frame, first, day)


def sentiment(engine: Engine, day: date, windows: tuple[int, ...]) -> tuple[list[Figure], Scored]:
    first = day - timedelta(days=max(windows) - 1)
    frame = _read(engine, "sentiment_scored", {"first": first, "last": day})
    figures = _windows(SENTIMENT, frame, day, windows, sentiment_metrics)
    return figures, Scored(SENTIMENT, frame, first, day)


def churn(engine: Engine, day: date, windows: tuple[int, ...]) -> tuple[list[Figure], Scored]:
    """The scores of the night CHURN_HORIZON_DAYS ago: tonight their 30 days are complete."""
    del windows  # the churn label fixes its own window
    run_date = day - timedelta(days=CHURN_HORIZON_DAYS)
    frame = _read(engine, "churn_scored", {"run_date": run_date})
    figures = _figures(CHURN, frame, CHURN_HORIZON_DAYS, churn_metrics)
    return figures, Scored(CHURN, frame, run_date, day)


MEASURES: dict[str, Callable[[Engine, date, tuple[int, ...]], tuple[list[Figure], Scored]]] = {
    TRAFFIC: traffic,
    SALES: sales,
    SENTIMENT: sentiment,
    CHURN: churn,
}
