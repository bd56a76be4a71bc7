"""Explanation steps at the reference workload's size, without the rest of the night.

    .venv/bin/python bench/explanations.py [--stores 20] [--members 20000] [--quick]

Times what the night adds for explanations, step by step, on synthetic data shaped like the
reference workload (20 stores x 2 years): the sales forest's SHAP of one night's forecast rows
(every row and the store totals) and of the proposed promotions' lifts (10 per store), the traffic
network's integrated gradients (7 days per store, the production network's size), the churn
drivers of the explained members (candidates + sample, as the settings say), and the train
tasks' MLflow summaries (plot + table into a scratch MLflow store). Each step's CPU seconds are
the figure to compare (a shared machine inflates wall seconds, not CPU time; the steps are
single-threaded); wall seconds are printed next to them. No database: the writes are measured
by bench/nightly.py, which reports the same steps inside a whole night. ``--quick`` shrinks
everything for a smoke run (numbers not worth quoting).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.* synthetic data
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


def timed(results: dict[str, float], name: str, step: Callable[[], Any]) -> Any:
    """Run ``step``; record its CPU seconds (this process, all threads: what a busy shared
    machine does not inflate) and print them with the wall seconds."""
    began, cpu = time.monotonic(), time.process_time()
    value = step()
    results[name] = time.process_time() - cpu
    wall = time.monotonic() - began
    print(f"  {name:<44} {results[name]:7.2f} s cpu {wall:7.2f} s wall", flush=True)
    return value


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    stores, members = (3, 2000) if args.quick else (args.stores, args.members)
    days = 200 if args.quick else 730

    import mlflow
    import numpy as np
    import pandas as pd

    from models.loyalty.churn import ChurnModel
    from models.loyalty.churn_features import churn_dataset, churn_features
    from models.loyalty.explain import explain_members, top_drivers
    from models.sales.config import SalesConfig
    from models.sales.explain import explain_rows, with_store_totals
    from models.sales.explain import top_drivers as sales_top
    from models.sales.forest import SalesForecaster
    from models.sales.frame import SalesInputs
    from models.traffic.attribution import attribute_days
    from models.traffic.config import TrafficConfig
    from models.traffic.forecast import TrafficForecaster
    from pipelines.explanations import mlflow_summary
    from pipelines.explanations.churn import select_members
    from pipelines.explanations.promotions import lift_drivers
    from pipelines.settings import Settings
    from tests.loyalty.synthetic import ticket_history
    from tests.sales.synthetic import synthetic_panel
    from tests.traffic.synthetic import synthetic_traffic

    settings = Settings(_env_file=None)
    results: dict[str, float] = {}
    print(f"{stores} stores, {days} days of sales, {members} members (load {os.getloadavg()})")
    timed(results, "import shap (once per process)", lambda: __import__("shap"))

    print("sales forest")
    panel = synthetic_panel(stores=stores, days=days, seed=1)
    inputs = SalesInputs(panel.sales, panel.promotions)
    forest = SalesForecaster(SalesConfig()).fit_inputs(inputs)
    origin = pd.Timestamp(panel.sales["date"].max())
    rows = forest.horizon_rows(origin, inputs)
    print(f"  ({len(rows.keys)} forecast rows)")
    timed(
        results,
        "forecast rows: SHAP + totals + top drivers",
        lambda: sales_top(with_store_totals(explain_rows(forest, rows)), 5),
    )
    candidates = rows.keys[["store_id", "date", "category"]].drop_duplicates(["store_id", "date"])
    candidates = candidates.groupby("store_id").head(10).assign(discount_pct=20.0)
    timed(
        results,
        f"promotion lifts ({len(candidates)} candidates)",
        lambda: lift_drivers(forest, inputs, origin, candidates),
    )

    print("traffic network")
    history = synthetic_traffic(series=stores, days=120, start="2025-06-02", seed=3)
    config = TrafficConfig(max_epochs=1, samples_per_epoch=256, device="cpu")
    network = TrafficForecaster(config).fit(history)  # untrained weights cost the same
    timed(
        results, "7 days x stores: integrated gradients", lambda: attribute_days(network, history)
    )

    print("churn model")
    tickets, reviews = ticket_history(customers=members, start=pd.Timestamp("2025-01-01").date(),
                                      days=180, seed=4)  # fmt: skip
    cutoffs = [pd.Timestamp("2025-03-02").date(), pd.Timestamp("2025-04-01").date()]
    features, labels = churn_dataset(tickets, reviews, cutoffs)
    model = ChurnModel().fit(features, labels)
    tonight = churn_features(tickets, reviews, pd.Timestamp("2025-06-30").date())
    rng = np.random.default_rng(0)
    scores = tonight.assign(
        customer_key=[f"k{i:07d}" for i in range(len(tonight))],
        store_id=[f"S{i:02d}" for i in rng.integers(0, stores, len(tonight))],
        p_return_30d=model.predict_proba(tonight).to_numpy(),
        monetary_90d=tonight["spend_total"].to_numpy(),
    )

    def churn_step() -> int:
        chosen = select_members(
            scores, settings.explain_members_per_store, settings.explain_member_sample
        )
        top_drivers(explain_members(model, tonight.loc[chosen.index]), 5)
        return len(chosen)

    explained = timed(results, "members: select + SHAP + top drivers", churn_step)
    print(f"  ({explained} of {len(tonight)} members explained)")

    print("MLflow summaries (train tasks)")
    with tempfile.TemporaryDirectory() as tmp:
        mlflow.set_tracking_uri(f"sqlite:///{tmp}/mlflow.db")
        with mlflow.start_run():
            timed(results, "sales_rf summary", lambda: mlflow_summary.log_sales_summary(
                forest, inputs, origin))  # fmt: skip
            timed(results, "customer_churn summary",
                  lambda: mlflow_summary.log_churn_summary(model, tonight))  # fmt: skip
            ahead = history["ts"].max() - pd.Timedelta(hours=167)
            timed(results, "traffic_rnn summary",
                  lambda: mlflow_summary.log_traffic_summary(network, history, ahead))  # fmt: skip
    total = sum(results.values())
    print(f"\nall explanation steps: {total:.1f} CPU seconds")
    return results


if __name__ == "__main__":
    main()
