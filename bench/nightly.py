"""Nightly-pass benchmark: the reference workload, then one night, then backfill vs single nights.

    .venv/bin/python bench/nightly.py [--stores 20] [--days 730] [--backfill-nights 30]
                                      [--single-nights 3] [--data-dir DIR] [--skip-setup]
                                      [--skip-backfill] [--json FILE]

Everything runs on a private data dir (its own embedded PostgreSQL, MLflow store and Airflow
home; your .nightshift is untouched) through the same commands people use:

1. simulate ``--stores`` stores over ``--days`` days (``nightshift simulate``);
2. load the history before the last day (``nightshift ingest``: same gate as the nightly run);
3. a cold full retrain of all four models (``nightshift train --full``);
4. one night: the whole DAG for the last day (``nightshift run``), timed per task;
5. a K-night backfill under the real scheduler (``nightshift services up`` + ``nightshift
   backfill --wait``) against the sum of K single nights (``nightshift run``, one after the
   other, each retraining like a scheduled night). Single nights are alike, so the sum is
   ``--single-nights`` of them measured and scaled to K (all K when equal; 30 would take
   ~2.5 hours here); the output says which.

Targets (bench/README.md): the night <= 5 min; its four train tasks (a warm nightly retrain)
<= 4 min; the cold full retrain <= 20 min; the backfill <= 0.6 x the sum of the single nights;
the night's explanations (SHAP / attributions, timed inside their tasks as ``explain_*_s``
counts) <= 10% of the night; the ``monitor`` task (drift and performance reports, figures)
<= 10% of the night.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

LAST_DAY = date(2026, 11, 21)  # the reference night's business date
TASK_LINE = re.compile(r"^  (\S+)\s+(\S+)\s+([\d.]+) s$", re.M)
COUNT_LINE = re.compile(r"^  (\S+) = (.*)$", re.M)
# Explanation steps time themselves inside their tasks (forecast, promotions, score_customers,
# the train tasks' MLflow summaries): counts named <task>.explain_<what>_s.
EXPLAIN_COUNT = re.compile(r"\.explain_[a-z_]+_s$")
TRAIN_TASKS = ("train_traffic", "train_sales", "train_sentiment", "train_churn")


def nightshift(*args: str, timeout: int = 4 * 3600) -> tuple[float, str]:
    """Run a nightshift command; (wall seconds, stdout). Fails loudly with its output."""
    command = [str(Path(sys.executable).parent / "nightshift"), *args]
    began = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=os.environ)
    elapsed = time.monotonic() - began
    if done.returncode != 0:
        raise SystemExit(
            f"`nightshift {' '.join(args)}` failed ({done.returncode}):\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return elapsed, done.stdout


def task_seconds(output: str) -> dict[str, float]:
    return {task: float(seconds) for task, _, seconds in TASK_LINE.findall(output)}


def explanation_seconds(output: str) -> dict[str, float]:
    """The night's explanation sub-steps and their seconds, from the run's counts."""
    return {
        key: float(value) for key, value in COUNT_LINE.findall(output) if EXPLAIN_COUNT.search(key)
    }


def machine() -> dict[str, Any]:
    import torch

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "load_average_at_start": os.getloadavg(),
    }


def night(logical: date) -> tuple[float, dict[str, float], dict[str, float]]:
    """(wall seconds, per-task seconds, explanation sub-step seconds) of one night."""
    seconds, output = nightshift("run", "--date", logical.isoformat(), "--quiet")
    return seconds, task_seconds(output), explanation_seconds(output)


def backfill(first_logical: date, last_logical: date) -> float:
    nightshift("services", "up", "--detach", timeout=600)
    try:
        seconds, _ = nightshift(
            "backfill", "--start", first_logical.isoformat(), "--end", last_logical.isoformat(),
            "--reprocess-behavior", "completed", "--wait",
        )  # fmt: skip
    finally:
        nightshift("services", "down", timeout=300)
    return seconds


def reset_champions_to_cold() -> None:
    """Point every ``champion`` alias back at the version the cold full retrain registered and
    forget the later nights' decisions, so a repeated benchmark night retrains (warm) exactly
    like the first night after set-up instead of keeping its earlier decision."""
    from mlflow import MlflowClient

    from pipelines.settings import get_settings
    from pipelines.sqlfiles import sql
    from pipelines.tracking import configure_mlflow
    from pipelines.warehouse import warehouse

    configure_mlflow(get_settings())
    client = MlflowClient()
    cold_runs: list[str] = []
    for model in client.search_registered_models():
        for version in client.search_model_versions(f"name = '{model.name}'"):
            run = client.get_run(str(version.run_id))
            if run.data.tags.get("nightshift.training") == "full":
                client.set_registered_model_alias(model.name, "champion", version.version)
                cold_runs.append(str(version.run_id))
    with warehouse(get_settings()).begin() as conn:
        conn.execute(sql("ops/model_promotions_forget_later"), {"keep_run_ids": cold_runs})


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--backfill-nights", type=int, default=30)
    parser.add_argument(
        "--single-nights",
        type=int,
        default=3,
        help="How many of the K single nights to measure; their mean x K is the sum.",
    )
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="Reuse --data-dir from an earlier run (simulation, history, cold models) and only "
        "measure the night and the backfill; champions are reset to the cold ones first.",
    )
    parser.add_argument(
        "--nights-from",
        type=Path,
        default=None,
        help="Take the night and the single nights from an earlier --json result (same code "
        "for those) and measure only the backfill.",
    )
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="Also write the results here.")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="nsbench-"))
    os.environ["NIGHTSHIFT_DATA_DIR"] = str(data_dir)
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    from pipelines.demo import local_outbox, simulated_weather
    from pipelines.settings import get_settings

    first = LAST_DAY - timedelta(days=args.days - 1)
    results: dict[str, Any] = {"machine": machine(), "stores": args.stores, "days": args.days}
    phases: dict[str, float] = {}
    print(f"data dir {data_dir}; {args.stores} stores x {args.days} days ({first}..{LAST_DAY})")
    if not args.skip_setup:
        phases["simulate"], _ = nightshift(
            "simulate", "--stores", str(args.stores), "--start", first.isoformat(),
            "--end", LAST_DAY.isoformat(), "--seed", "7", "--out", get_settings().landing,
        )  # fmt: skip
    with simulated_weather(get_settings()), local_outbox(get_settings(), LAST_DAY):
        if args.skip_setup:
            reset_champions_to_cold()
        else:
            history_end = LAST_DAY - timedelta(days=1)
            phases["load_history"], _ = nightshift(
                "ingest", "--start", first.isoformat(), "--end", history_end.isoformat()
            )
            # Cold: champions from scratch on the history (business date LAST_DAY - 1).
            phases["train_full_cold"], cold = nightshift("train", "--full", "--date", str(LAST_DAY))
            print(cold)
        if args.nights_from:
            earlier = json.loads(args.nights_from.read_text())
            results["night_tasks"] = earlier["night_tasks"]
            results["nights_from"] = str(args.nights_from)
            results["night_explanations"] = earlier.get("night_explanations", {})
            for phase in ("night", "night_train_warm", "night_explanations"):
                if phase in earlier["phases_s"]:
                    phases[phase] = earlier["phases_s"][phase]
        else:
            phases["night"], tasks, explained = night(LAST_DAY + timedelta(days=1))
            results["night_tasks"] = tasks
            results["night_explanations"] = explained
            phases["night_train_warm"] = sum(tasks.get(task, 0.0) for task in TRAIN_TASKS)
            phases["night_explanations"] = sum(explained.values())
        if not args.skip_backfill:
            k = args.backfill_nights
            # Two disjoint sets of earlier nights, so neither pass reuses the other's models.
            singles = [LAST_DAY - timedelta(days=2 * k - 1 - i) for i in range(k)]
            if args.nights_from:
                measured = earlier["single_nights"]["seconds"]
            else:
                measured = [night(day)[0] for day in singles[: min(args.single_nights, k)]]
            results["single_nights"] = {"measured": len(measured), "of": k, "seconds": measured}
            phases["single_nights_sum"] = sum(measured) / len(measured) * k
            phases["backfill"] = backfill(LAST_DAY - timedelta(days=k - 1), LAST_DAY)
    results["phases_s"] = phases
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def report(results: dict[str, Any]) -> None:
    phases = results["phases_s"]
    print(f"\nmachine: {results['machine']}")
    print(f"{'task (the night)':<24} {'seconds':>9}")
    for task, seconds in sorted(results["night_tasks"].items(), key=lambda item: -item[1]):
        print(f"{task:<24} {seconds:9.1f}")
    print(f"\n{'phase':<24} {'seconds':>9}")
    for phase, seconds in phases.items():
        print(f"{phase:<24} {seconds:9.1f}")
    print("\nratios against the targets:")
    print(f"  night / 5 min                      = {phases['night'] / 300:.2f}  (<= 1)")
    print(f"  warm retrain (train tasks) / 4 min = {phases['night_train_warm'] / 240:.2f}  (<= 1)")
    if phases.get("night_explanations") is not None and phases["night"]:
        share = phases["night_explanations"] / phases["night"]
        print(f"  explanations / night               = {share:.2f}  (<= 0.10)")
        for step, seconds in sorted(results.get("night_explanations", {}).items()):
            print(f"    {step:<40} {seconds:6.1f} s")
    if "monitor" in results["night_tasks"]:
        share = results["night_tasks"]["monitor"] / phases["night"]
        print(f"  monitor task / night               = {share:.2f}  (<= 0.10)")
    if "train_full_cold" in phases:
        cold = phases["train_full_cold"] / 1200
        print(f"  cold full retrain / 20 min         = {cold:.2f}  (<= 1)")
    if "single_nights" in results:
        singles = results["single_nights"]
        each = ", ".join(f"{seconds:.1f}" for seconds in singles["seconds"])
        print(f"\nsingle nights measured: {singles['measured']} of {singles['of']} ({each} s)")
    if "backfill" in phases:
        ratio = phases["backfill"] / phases["single_nights_sum"]
        print(f"  backfill / sum of single nights    = {ratio:.2f}  (<= 0.6)")


if __name__ == "__main__":
    main()
