"""Seasonal naive as a forecast to publish: what the pipeline serves when no forest beat it on
its first night (pure: inputs in, the forest's forecast table out)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from models.sales.config import SalesConfig
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from models.sales.totals import with_store_totals


def seasonal_naive_forecast(
    config: SalesConfig, origin: date | pd.Timestamp, inputs: SalesInputs
) -> pd.DataFrame:
    """store_id, category, date, horizon, prediction for origin+1 .. origin+horizon: each day
    the sales of the same weekday in the last observed week (0 where never sold), plus store
    totals, in the same shape as ``SalesForecaster.predict_inputs``."""
    rows = SalesForecaster(config).horizon_rows(origin, inputs)  # features only: no fitting
    forecast = rows.keys[["store_id", "category", "date", "horizon"]].assign(
        prediction=np.nan_to_num(np.maximum(rows.seasonal_naive, 0.0), nan=0.0)
    )
    return with_store_totals(forecast, ("prediction",))
