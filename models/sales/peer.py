"""A strong peer for the sales forest: LightGBM gradient-boosted trees on exactly the same
feature rows, target and encodings (``SalesForecaster`` with another regressor), so a backtest
compares model families and nothing else.

Gradient boosting has no per-tree spread to read an interval from (its trees are not
exchangeable estimates), so ``tree_predictions`` is empty: promotion intervals need the forest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from models.sales.config import SalesConfig
from models.sales.features import FeatureRows
from models.sales.forest import SalesForecaster

FAMILY = "lightgbm"
# Hand-set, not tuned on the holdout: a common strong default for a few tens of thousands of
# rows (shallow-ish trees, shrinkage with many rounds, row and column subsampling).
PARAMS: dict[str, Any] = {
    "n_estimators": 600,
    "learning_rate": 0.03,
    "num_leaves": 31,
    "min_child_samples": 20,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
}


class LightGbmSalesForecaster(SalesForecaster):
    """Same rows, same target (ratio to the series' level), gradient boosting instead."""

    family = FAMILY

    def __init__(self, config: SalesConfig | None = None, **params: Any) -> None:
        """``params`` override PARAMS (e.g. fewer rounds for a quick check)."""
        super().__init__(config)
        self.params = PARAMS | params

    def _estimator(self, rows: int) -> Any:
        from lightgbm import LGBMRegressor

        cfg = self.config
        return LGBMRegressor(
            **self.params,
            random_state=cfg.random_state,
            n_jobs=max(cfg.n_jobs, 1) if cfg.n_jobs > 0 else -1,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )

    def tree_predictions(self, rows: FeatureRows, max_trees: int | None = None) -> np.ndarray:
        return np.zeros((0, len(rows.keys)))
