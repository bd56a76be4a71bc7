"""Plans that pay, measured in a closed loop on the simulator (no database, seeded).

    .venv/bin/python bench/plans.py [--section staffing|promotions|all] [--quick]
                                    [--stores N] [--history-days D] [--weeks W] [--seed S]

staffing:   the chain is simulated for ``--history-days`` (default 730: the reference workload
            of 20 stores x 2 years), the traffic model trained on its door counts, and the next
            ``--weeks`` (default 8) replayed once per staffing plan: nightshift's, (a) the same
            weekday last year, (b) flat, (c) a seasonal-naive plan, and the same shapes at equal
            hours. Prints the table of ``nightshift plans compare`` and the ratios the targets
            are stated in (lost sales x0.70 or less against (a) and (b) at no more hours, below
            x1 against (c)).
promotions: on ``--origins`` weekly nights after the history, every candidate is priced by the
            sales forest and ranked by margin; the simulator's oracle prices the proposals and
            a uniform sample. Prints the stated 80% interval's coverage (target 75-85%) and the
            true margin of the proposals.

``--quick``: 6 stores, a year of history, 2 weeks / 2 nights and a short traffic training (a
smoke check, not numbers to quote). Prints the machine and the load average, and seconds per
step (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}; load {load}"
    )


def staffing(args: argparse.Namespace) -> None:
    from models.traffic.config import TrafficConfig
    from pipelines.evaluation.plans import ComparisonConfig, compare_plans, format_table

    traffic = TrafficConfig()
    if args.quick:
        traffic = replace(traffic, max_epochs=4, samples_per_epoch=2048)
    config = ComparisonConfig(
        stores=args.stores,
        history_days=args.history_days,
        weeks=args.weeks,
        seed=args.seed,
        traffic=traffic,
    )
    began = time.perf_counter()
    result = compare_plans(config, progress=lambda m: print(f"  … {m}", flush=True))
    print(
        f"\nStaffing plans: {args.stores} stores, {args.weeks} weeks replayed "
        f"({config.first_day} .. {config.last_day}) after {args.history_days} days of history, "
        f"seed {args.seed}; {time.perf_counter() - began:.0f} s "
        + ", ".join(f"{k} {v:.0f} s" for k, v in result.seconds.items())
    )
    print(format_table(result))


def promotions(args: argparse.Namespace) -> None:
    from models.sales.config import SalesConfig
    from pipelines.evaluation.chain import simulate_chain
    from pipelines.evaluation.promotion_check import check_promotions, format_summary

    start = date(2024, 1, 1)
    first = start + timedelta(days=args.history_days)
    nights = [first + timedelta(days=7 * k) for k in range(args.origins)]
    began = time.perf_counter()
    history = simulate_chain(args.stores, start, nights[-1], args.seed, horizon_end=nights[-1])
    simulated = time.perf_counter() - began
    config = SalesConfig(n_estimators=60 if args.quick else 200)
    result = check_promotions(
        history, nights, config, sample=args.sample, draws=64 if args.quick else 256, seed=args.seed
    )
    print(
        f"\nPromotions: {args.stores} stores, nights {nights[0]} .. {nights[-1]} "
        f"({args.origins}, weekly) after {args.history_days} days, seed {args.seed}; "
        f"{config.n_estimators} trees; simulate {simulated:.0f} s, price and check "
        f"{time.perf_counter() - began - simulated:.0f} s"
    )
    print(format_summary(result.summary))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--section", choices=("staffing", "promotions", "all"), default="all")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--stores", type=int)
    parser.add_argument("--history-days", type=int)
    parser.add_argument("--weeks", type=int)
    parser.add_argument("--origins", type=int)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    defaults = (6, 365, 2, 2) if args.quick else (20, 730, 8, 4)
    for name, value in zip(("stores", "history_days", "weeks", "origins"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    print(f"Machine: {machine()}")
    if args.section in ("staffing", "all"):
        staffing(args)
    if args.section in ("promotions", "all"):
        promotions(args)
    print(f"\nload average now {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
