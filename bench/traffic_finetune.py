"""Does the traffic RNN's nightly warm fine-tune learn from the weeks since its champion?

    .venv/bin/python bench/traffic_finetune.py --data-dir DIR

On the reference workload's warehouse (``DIR`` from ``bench/nightly.py --data-dir``): a
champion trained cold with its holdout origin 5 weeks before the end of the door counts, then
warm fine-tunes at 4 weekly origins after it, validating on the last 10% of the history (as a
cold fit does) or on the last ``finetune_validation_hours`` (the setting). Prints each one's
P50 MAE on the 7 days after its origin, which no fit trains or validates on. ~5 min on CPU.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    os.environ["NIGHTSHIFT_DATA_DIR"] = str(args.data_dir)
    from models.traffic.config import TrafficConfig
    from models.traffic.forecast import TrafficForecaster
    from pipelines.settings import get_settings
    from pipelines.training.traffic import HISTORY_DAYS, evaluate, load_history
    from pipelines.warehouse import warehouse

    engine = warehouse(get_settings())
    everything = load_history(engine, pd.Timestamp("2000-01-01"), pd.Timestamp("2100-01-01"))
    end = everything["ts"].max().floor("D") + pd.Timedelta(days=1)
    history = everything[everything["ts"] >= end - pd.Timedelta(days=HISTORY_DAYS)]
    config = TrafficConfig(device="cpu")
    cold_origin = end - pd.Timedelta(days=35)
    champion = TrafficForecaster(config).fit(history[history["ts"] < cold_origin])
    state = champion.state_dict()
    hours_per_store = len(history) / history["location_id"].nunique()
    variants = {
        "10% validation": round(0.1 * hours_per_store),
        f"last {config.finetune_validation_hours} h": config.finetune_validation_hours,
    }
    print(f"{'origin':<12}{'champion':>10}" + "".join(f"{name:>22}" for name in variants))
    totals = dict.fromkeys(["champion", *variants], 0.0)
    for week in range(1, 5):
        origin = cold_origin + pd.Timedelta(days=7 * week)
        seen = history[history["ts"] < origin + pd.Timedelta(hours=config.horizon)]
        scores = {"champion": evaluate(champion, seen, origin)["holdout_mae"]}
        for name, hours in variants.items():
            tuned = dataclasses.replace(config, finetune_validation_hours=hours)
            warm = TrafficForecaster(tuned).fit(history[history["ts"] < origin], state)
            scores[name] = evaluate(warm, seen, origin)["holdout_mae"]
        totals = {k: totals[k] + scores[k] for k in totals}
        print(
            f"{origin.date()!s:<12}"
            + "".join(
                f"{v:>10.3f}" if k == "champion" else f"{v:>22.3f}" for k, v in scores.items()
            )
        )
    print(
        f"{'mean':<12}"
        + "".join(
            f"{v / 4:>10.3f}" if k == "champion" else f"{v / 4:>22.3f}" for k, v in totals.items()
        )
    )


if __name__ == "__main__":
    main()
