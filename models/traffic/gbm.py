"""A gradient-boosted-trees forecaster on lags: the "LightGBM on lags" comparison, built with
scikit-learn's histogram GBM (the same algorithm family; LightGBM itself is not a dependency).

It gets the same inputs the network's decoder gets (same-hour lags of the last 8 weeks and
their summaries, recent levels, the last day's hours, calendar, exogenous values), scaled the
same way, and predicts each horizon hour directly with an absolute-error loss (a median).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from models.traffic.config import TrafficConfig
from models.traffic.data import build_panel, exog_moments
from models.traffic.features import detect_exog_columns
from models.traffic.inputs import (
    clean_with_exog,
    forecast_frame,
    forecast_panel,
    make_builder,
    origin_of,
)
from models.traffic.sampling import origin_ranges
from models.traffic.windows import Batch

TRAINING_WINDOWS = 4000
STEPS_PER_WINDOW = 42
RECENT_HOURS = 24


def _design(batch: Batch) -> np.ndarray:
    """One row per (window, horizon hour): the hour's features and the window's last hours."""
    windows, horizon, _ = batch.future.shape
    recent = batch.past[:, -RECENT_HOURS:, 0]  # scaled counts, missing as 0
    recent = np.broadcast_to(recent[:, None, :], (windows, horizon, RECENT_HOURS))
    return np.concatenate([batch.future, recent], axis=-1).reshape(windows * horizon, -1)


class GbmOnLags:
    def __init__(self, config: TrafficConfig) -> None:
        self.config = config
        self.exog_columns: tuple[str, ...] = ()
        self.exog_mean = np.zeros(0, dtype=np.float32)
        self.exog_std = np.ones(0, dtype=np.float32)
        self.model: Any = None

    def fit(self, history: pd.DataFrame) -> GbmOnLags:
        from sklearn.ensemble import HistGradientBoostingRegressor

        cfg = self.config
        columns = cfg.exog_columns
        self.exog_columns = (
            detect_exog_columns(list(history.columns)) if columns is None else columns
        )
        table = clean_with_exog(history, self.exog_columns)
        panel = build_panel(table, self.exog_columns).padded(cfg.context, cfg.horizon)
        self.exog_mean, self.exog_std = exog_moments(panel)
        builder = make_builder(panel, cfg, self.exog_mean, self.exog_std, ())
        ranges = origin_ranges(
            panel.counts,
            begin=cfg.context,
            end=panel.hours - cfg.horizon,
            horizon=cfg.horizon,
            min_history=cfg.min_history,
        )
        rng = np.random.default_rng(cfg.seed)
        rows, origins = ranges.sample(min(TRAINING_WINDOWS, ranges.total), rng)
        steps = np.sort(rng.choice(cfg.horizon, min(STEPS_PER_WINDOW, cfg.horizon), replace=False))
        batch = builder.build(rows, origins, steps=steps)
        features = _design(batch)
        target = batch.target.reshape(-1)
        known = ~np.isnan(target)
        self.model = HistGradientBoostingRegressor(
            loss="absolute_error", max_iter=300, learning_rate=0.1, random_state=cfg.seed
        ).fit(features[known], target[known])
        return self

    def predict(
        self,
        history: pd.DataFrame,
        future_exog: pd.DataFrame | None = None,
        origin: pd.Timestamp | str | None = None,
    ) -> pd.DataFrame:
        """[location_id, ts, p50] for the horizon from ``origin``, from history before it."""
        if self.model is None:
            raise RuntimeError("the GBM baseline is not fitted: call fit()")
        cfg = self.config
        table = clean_with_exog(history, self.exog_columns)
        start = origin_of(table, origin)
        panel = forecast_panel(table, cfg, self.exog_columns, start, future_exog)
        builder = make_builder(panel, cfg, self.exog_mean, self.exog_std, ())
        batch = builder.build(
            np.arange(len(panel.locations)), np.full(len(panel.locations), cfg.reach)
        )
        scaled = self.model.predict(_design(batch)).reshape(len(panel.locations), cfg.horizon)
        p50 = np.maximum(scaled * batch.scale[:, None], 0.0)
        return forecast_frame(panel.locations, start, cfg.horizon, {"p50": p50})
