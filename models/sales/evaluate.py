"""Backtest the forecaster on a simulator landing directory and check its promotion lifts.

``python -m models.sales.evaluate /tmp/sales_sim --folds 4 [--traffic] [--no-weather]``

Prints the fold table, the top features and, for every promotion planned in the last fold's
horizon, the lift the counterfactual attributes to it. Reads files only; writes nothing.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from models.sales.backtest import BacktestResult, promotions_known_at, run_backtest
from models.sales.config import TOTAL_CATEGORY, SalesConfig
from models.sales.counterfactual import predict_candidates
from models.sales.frame import SalesInputs
from models.sales.landing import load_landing
from models.sales.metrics import format_table


def planned_lifts(result: BacktestResult, inputs: SalesInputs) -> pd.DataFrame:
    """Counterfactual with/without for each promotion known at the last fold's origin."""
    origin = pd.Timestamp(result.forecasts["origin"].max())
    horizon = result.model.config.horizon
    known = promotions_known_at(inputs.promotions, origin)
    if known is None or known.empty:
        return pd.DataFrame()
    day = pd.to_datetime(known["date"])
    ahead = known[(day > origin) & (day <= origin + pd.Timedelta(days=horizon))]
    candidates = ahead[["store_id", "date", "category", "discount_pct"]].reset_index(drop=True)
    if candidates.empty:
        return candidates
    history = replace(inputs, promotions=known).sales_until(origin)
    return predict_candidates(result.model, history, origin, candidates)


def scan_lifts(result: BacktestResult, inputs: SalesInputs, discount_pct: int) -> pd.DataFrame:
    """What the planner asks: every store x category x horizon day at one discount."""
    origin = pd.Timestamp(result.forecasts["origin"].max())
    known = replace(inputs, promotions=promotions_known_at(inputs.promotions, origin))
    forecast = result.model.predict_inputs(origin, known.sales_until(origin))
    grid = forecast[forecast["category"] != TOTAL_CATEGORY][["store_id", "date", "category"]]
    candidates = grid.assign(discount_pct=discount_pct).reset_index(drop=True)
    return predict_candidates(result.model, known.sales_until(origin), origin, candidates)


def lift_summary(lifts: pd.DataFrame) -> dict[str, Any]:
    """Share of positive category lifts and the relative lift of the summed with/without
    sales (per category, per store, and per discount depth)."""
    if lifts.empty:
        return {"promotions": 0}

    def relative(frame: pd.DataFrame, level: str) -> float:
        return round(
            float(100 * (frame[f"{level}_with"].sum() / frame[f"{level}_without"].sum() - 1)), 1
        )

    return {
        "promotions": len(lifts),
        "share_category_lift_positive": round(float((lifts["category_lift"] > 0).mean()), 3),
        "category_lift_pct": relative(lifts, "category"),
        "store_lift_pct": relative(lifts, "store"),
        "category_lift_pct_by_discount": {
            int(depth): relative(group, "category")
            for depth, group in lifts.groupby("discount_pct")
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--traffic", action="store_true", help="use door counts as a feature")
    parser.add_argument("--no-weather", action="store_true")
    parser.add_argument("--min-samples-leaf", type=int, default=SalesConfig.min_samples_leaf)
    args = parser.parse_args(argv)

    inputs = load_landing(args.landing)
    if args.no_weather:
        inputs = replace(inputs, weather=None)
    began = time.monotonic()
    config = SalesConfig(min_samples_leaf=args.min_samples_leaf, use_traffic=args.traffic)
    result = run_backtest(inputs, config, folds=args.folds)
    print(format_table(result.metrics))
    print(f"\nfit seconds per fold: {result.fit_seconds}; total {time.monotonic() - began:.0f} s")
    print("training rows (last fold):", result.model.training_rows)
    print("\ntop features:")
    for name, value in list(result.importances.items())[:12]:
        print(f"  {name:<30} {value:.3f}")
    print("\npromotions in the last fold's horizon:", lift_summary(planned_lifts(result, inputs)))
    for discount in (10, 20, 30):
        scan = lift_summary(scan_lifts(result, inputs, discount))
        print(f"every store x category x day at {discount}% off:", scan)


if __name__ == "__main__":
    main()
