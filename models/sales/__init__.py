"""Daily sales forecaster: a random forest over direct multi-horizon rows.

For a forecast origin T it predicts sales per store and category for T+1..T+horizon from sales
up to T and what is known ahead (calendar, planned promotions, weather forecast), plus store
totals, and answers the promotion planner's "with or without this promotion?".

    forecaster = SalesForecaster(SalesConfig()).fit(sales, promotions, weather=weather)
    forecast = forecaster.predict(origin, sales, promotions, weather=weather)
    result = run_backtest(SalesInputs(sales, promotions, weather), SalesConfig(), folds=4)
    with_sales, without_sales, lift = predict_with_without(
        forecaster, SalesInputs(sales, promotions, weather), origin, "LIM-MIR-01", day,
        ("bebidas", 20),
    )
"""

from models.sales.backtest import BacktestResult, run_backtest, tune_min_samples_leaf
from models.sales.config import TOTAL_CATEGORY, SalesConfig
from models.sales.counterfactual import WithWithout, predict_candidates, predict_with_without
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs, weather_for_stores

__all__ = [
    "TOTAL_CATEGORY",
    "BacktestResult",
    "SalesConfig",
    "SalesForecaster",
    "SalesInputs",
    "WithWithout",
    "predict_candidates",
    "predict_with_without",
    "run_backtest",
    "tune_min_samples_leaf",
    "weather_for_stores",
]
