"""``SalesForecaster``: a random forest over direct multi-horizon rows, forecasting daily sales
per store and category for the next ``horizon`` days, plus store totals.

No I/O: the caller logs the fitted object (it pickles) and ``feature_importances()``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

from models.sales.config import SalesConfig, TargetKind
from models.sales.features import (
    MIN_LEVEL,
    FeatureRows,
    build_rows,
    feature_columns,
    fill_missing_baseline,
)
from models.sales.frame import DailyPanel, SalesInputs, build_panel
from models.sales.totals import with_store_totals
from pipelines.errors import NightshiftError

ENCODED_COLUMNS = ("store_code", "category_code")
UNSEEN_CODE = -1.0  # stores and categories the forest never saw share one code


def to_target(actual: np.ndarray, baseline: np.ndarray, kind: TargetKind) -> np.ndarray:
    sales = np.maximum(actual, 0.0)  # a day of net refunds is a day without sales
    if kind == "log_ratio":
        return np.log1p(sales) - np.log1p(baseline)
    return sales / np.maximum(baseline, MIN_LEVEL)


def from_target(value: np.ndarray, baseline: np.ndarray, kind: TargetKind) -> np.ndarray:
    if kind == "log_ratio":
        sales = np.expm1(np.log1p(baseline) + value)
    else:
        sales = value * np.maximum(baseline, MIN_LEVEL)
    return np.maximum(sales, 0.0)


def training_origins(panel: DailyPanel, config: SalesConfig) -> np.ndarray:
    """Every ``origin_stride_days`` back from the day before the last known one, as long as at
    least one store has ``min_history_days`` of history."""
    earliest = int(panel.store_first.min()) + config.min_history_days - 1
    latest = panel.history_end - 1
    if latest < earliest:
        return np.zeros(0, dtype=np.int64)
    return np.arange(latest, earliest - 1, -config.origin_stride_days, dtype=np.int64)[::-1]


class SalesForecaster:
    def __init__(self, config: SalesConfig | None = None) -> None:
        self.config = config or SalesConfig()
        # The fitted regressor: a random forest here, another family in a peer subclass.
        self.forest: Any = None
        self.feature_names: tuple[str, ...] = ()
        self.store_codes: dict[str, int] = {}
        self.category_codes: dict[str, int] = {}
        self.training_rows = 0
        self.fit_seconds = 0.0

    # ----------------------------------------------------------------------------- training
    def fit(
        self,
        sales: pd.DataFrame,
        promotions: pd.DataFrame | None = None,
        weather: pd.DataFrame | None = None,
        traffic: pd.DataFrame | None = None,
        calendar: pd.DataFrame | None = None,
        origins: Sequence[date | pd.Timestamp] | None = None,
    ) -> SalesForecaster:
        """Learn from every ``origins`` day (default: every ``origin_stride_days``) the sales of
        the following ``horizon`` days that are in ``sales``."""
        inputs = SalesInputs(sales, promotions, weather, traffic, calendar)
        return self.fit_inputs(inputs, origins)

    def fit_inputs(
        self, inputs: SalesInputs, origins: Sequence[date | pd.Timestamp] | None = None
    ) -> SalesForecaster:
        began = time.monotonic()
        cfg = self.config
        panel = build_panel(inputs, country=cfg.country)
        if origins is None:
            origin_index = training_origins(panel, cfg)
        else:
            origin_index = np.array([panel.index_of(o) for o in origins], dtype=np.int64)
        rows = build_rows(panel, origin_index, cfg.horizon, cfg.baseline_days, cfg.min_history_days)
        rows = rows.subset(np.isfinite(rows.actual) & np.isfinite(rows.baseline))
        if rows.keys.empty:
            raise NightshiftError(
                f"no training rows: sales need at least {cfg.min_history_days + 1} days of "
                "history for one store"
            )
        self.store_codes = {s: i for i, s in enumerate(sorted(rows.keys["store_id"].unique()))}
        self.category_codes = {c: i for i, c in enumerate(sorted(rows.keys["category"].unique()))}
        self.feature_names = (
            *feature_columns(panel, cfg.use_weather, cfg.use_traffic),
            *ENCODED_COLUMNS,
        )
        forest = self._estimator(len(rows.keys))
        forest.fit(self._matrix(rows), to_target(rows.actual, rows.baseline, cfg.target))
        self.forest = forest
        self.training_rows = len(rows.keys)
        self.fit_seconds = time.monotonic() - began
        return self

    def _estimator(self, rows: int) -> Any:
        """The regressor fitted on the feature matrix (a peer family overrides this)."""
        cfg = self.config
        return RandomForestRegressor(
            n_estimators=cfg.n_estimators,
            min_samples_leaf=cfg.min_samples_leaf,
            max_features=cfg.max_features,
            max_samples=min(cfg.max_samples, rows),
            n_jobs=cfg.n_jobs,
            random_state=cfg.random_state,
        )

    # ---------------------------------------------------------------------------- inference
    def predict(
        self,
        origin: date | pd.Timestamp,
        sales: pd.DataFrame,
        promotions: pd.DataFrame | None = None,
        weather: pd.DataFrame | None = None,
        traffic: pd.DataFrame | None = None,
        calendar: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Forecast origin+1 .. origin+horizon from sales up to ``origin`` (later rows are
        ignored) and the planned promotions / weather and traffic forecasts of those days.

        Returns store_id, category, date, horizon, prediction; category TOTAL_CATEGORY rows
        are store totals (the sum of the store's categories).
        """
        return self.predict_inputs(
            origin, SalesInputs(sales, promotions, weather, traffic, calendar)
        )

    def predict_inputs(self, origin: date | pd.Timestamp, inputs: SalesInputs) -> pd.DataFrame:
        return self.forecast_rows(self.horizon_rows(origin, inputs))

    def forecast_rows(self, rows: FeatureRows) -> pd.DataFrame:
        """``predict_inputs``' table from rows already built by ``horizon_rows``."""
        forecast = rows.keys[["store_id", "category", "date", "horizon"]].assign(
            prediction=self.predict_rows(rows)
        )
        return with_store_totals(forecast, ("prediction",))

    def horizon_rows(self, origin: date | pd.Timestamp, inputs: SalesInputs) -> FeatureRows:
        """Feature rows of every series with history at ``origin``, for h = 1..horizon."""
        cfg = self.config
        origin = pd.Timestamp(origin).normalize()
        panel = build_panel(
            inputs,
            end=origin + pd.Timedelta(days=cfg.horizon),
            history_end=origin,
            country=cfg.country,
        )
        origins = np.array([panel.index_of(origin)], dtype=np.int64)
        return build_rows(panel, origins, cfg.horizon, cfg.baseline_days, min_history=1)

    def predict_rows(self, rows: FeatureRows) -> np.ndarray:
        """Sales in PEN for each feature row."""
        if self.forest is None:
            raise NightshiftError("the sales forecaster is not fitted yet")
        if rows.keys.empty:
            return np.zeros(0)
        # Parallel prediction sums the trees in whatever order the threads finish, so the same
        # model could give forecasts differing in the last bits between re-runs; one job sums in
        # tree order and makes re-runs reproduce their rows exactly.
        jobs = getattr(self.forest, "n_jobs", None)  # a bare tree has none
        if jobs is not None:
            self.forest.n_jobs = 1
        try:
            value = self.forest.predict(self._matrix(rows))
        finally:
            if jobs is not None:
                self.forest.n_jobs = jobs
        return from_target(value, fill_missing_baseline(rows), self.config.target)

    def tree_predictions(self, rows: FeatureRows, max_trees: int | None = None) -> np.ndarray:
        """[trees, rows] sales in PEN as each of the first ``max_trees`` trees alone predicts
        them (the forest's prediction is their mean): the model's own spread."""
        if self.forest is None:
            raise NightshiftError("the sales forecaster is not fitted yet")
        trees = self.forest.estimators_[:max_trees]
        if rows.keys.empty:
            return np.zeros((len(trees), 0))
        matrix = self._matrix(rows)
        level = fill_missing_baseline(rows)
        return np.vstack(
            [from_target(tree.predict(matrix), level, self.config.target) for tree in trees]
        )

    def feature_importances(self) -> dict[str, float]:
        """Impurity-based importance per feature, largest first."""
        if self.forest is None:
            raise NightshiftError("the sales forecaster is not fitted yet")
        pairs = zip(self.feature_names, self.forest.feature_importances_, strict=True)
        ranked = sorted(pairs, key=lambda pair: pair[1], reverse=True)
        return {name: float(value) for name, value in ranked}

    def matrix(self, rows: FeatureRows) -> np.ndarray:
        """The forest's input matrix for ``rows`` (columns ``feature_names``), e.g. to explain."""
        return self._matrix(rows)

    def _matrix(self, rows: FeatureRows) -> np.ndarray:
        frame = rows.features.reindex(columns=list(self.feature_names))
        frame["store_code"] = rows.keys["store_id"].map(self.store_codes).fillna(UNSEEN_CODE)
        frame["category_code"] = rows.keys["category"].map(self.category_codes).fillna(UNSEEN_CODE)
        return frame.to_numpy(dtype=np.float64)
