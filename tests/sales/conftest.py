"""A small synthetic panel and a forecaster fitted on it once for the whole area."""

from __future__ import annotations

import pandas as pd
import pytest

from models.sales.config import SalesConfig
from models.sales.forest import SalesForecaster
from tests.sales.synthetic import SyntheticPanel, synthetic_panel

# Small and fast, but the same model: fewer, smaller trees.
SMALL = SalesConfig(n_estimators=40, max_samples=4000, min_samples_leaf=5, n_jobs=2)


@pytest.fixture(scope="session")
def panel() -> SyntheticPanel:
    """Three stores x four categories, 160 days of sales, promotions 14 days further."""
    return synthetic_panel(stores=3, days=160, seed=1)


@pytest.fixture(scope="session")
def origin(panel: SyntheticPanel) -> pd.Timestamp:
    return pd.Timestamp(panel.sales["date"].max())


@pytest.fixture(scope="session")
def fitted(panel: SyntheticPanel) -> SalesForecaster:
    return SalesForecaster(SMALL).fit(panel.sales, panel.promotions)
