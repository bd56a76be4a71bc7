"""Model benchmarks: training throughput of the traffic RNN, scoring and fine-tuning throughput
of the review-sentiment encoder, on CPU and on CUDA when torch sees a GPU; and (``--section
accuracy``) the sales forest against its LightGBM peer and the traffic band's coverage.

    .venv/bin/python bench/models.py [--device auto|cpu|cuda] [--quick]
                                     [--section throughput|accuracy|all]

Accuracy, on the simulator (seeded, in memory; 20 stores x 2 years, ``--quick``: 8 stores x
400 days): the sales backtest (4 folds of 14 days, refitted before each) of the random forest
and the LightGBM peer on the same features, WAPE and its ratio to seasonal naive per level;
the traffic backtest (4 weekly origins, the model trained before the first) with P10-P90
coverage of all hours and of open hours (the hours staffing uses).

``auto`` measures the CPU, and the GPU too when there is one (then prints GPU/CPU speed-ups);
``cpu`` or ``cuda`` measures that device only. ``--quick`` shrinks every measurement (about a
minute: a smoke check, not numbers to quote).

Traffic: synthetic hourly door counts shaped like the reference workload (20 stores x 2 years,
three exogenous columns, outages), prepared the way ``TrafficForecaster.fit`` prepares them,
then a fixed number of epochs of the real training loop (``train_network``, no validation)
after a warm-up epoch. A training sample is one (store, origin) window: 336 hours of lookback
read by the GRU and the 168-hour horizon (48 hours of it scored per window). The same windows
are also timed through the data pipeline alone (window building, no network) and through the
network alone (pre-built batches), to show which of the two bounds the loop.

Sentiment: the offline MiniLM backbone with a fresh 3-class head (nothing trained: throughput
does not depend on the weights), scoring synthetic Spanish/English reviews written by the
simulator's review generator (realistic lengths, emoji, typos) with ``predict_proba`` at batch
sizes 32/64/128, then optimiser steps of the fine-tune (the step of ``fine_tune``: bf16
autocast on CUDA, cross-entropy, clipping, AdamW, at the configured batch size). On CPU both
run at torch's default thread count (what the code uses today) and at 1 thread.

Prints machine facts, the load average with every row (numbers on a shared machine are noisy),
and the nightly training time the rates imply for the configured epochs and sizes.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import os
import platform
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.traffic.synthetic: the generator the tests use
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

STORES, DAYS = 20, 730
SCORE_BATCHES = (32, 64, 128)
# The nightly sentiment run (pipelines/training/sentiment.py): cold = up to 1500 reviews x
# SentimentConfig.epochs, warm = up to 400 recent reviews x 1 epoch; both models score a
# holdout sample of up to 600 reviews at predict_proba's default batch size.
SENTIMENT_WARM_EXAMPLES, SENTIMENT_HOLDOUT, SENTIMENT_SCORE_BATCH = 400, 600, 64


@dataclass(frozen=True)
class Sizes:
    traffic_warmup: int  # windows in the warm-up epoch
    traffic_epochs: int  # measured epochs of TrafficConfig.samples_per_epoch windows
    traffic_samples_per_epoch: int | None  # None: the config's samples_per_epoch
    traffic_split_windows: int  # windows timed through data pipeline / network alone
    reviews: int
    finetune_steps: int


FULL = Sizes(1024, 3, None, 8192, 2000, 8)
QUICK = Sizes(256, 1, 2048, 1024, 128, 2)


@dataclass
class Row:
    section: str
    device: str
    batch: int
    threads: int | None  # torch CPU threads (None on CUDA)
    count: int  # windows, reviews or examples
    seconds: float
    load: float  # 1-minute load average right after the measurement
    note: str = ""

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else float("nan")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def load1() -> float:
    return os.getloadavg()[0]


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@contextlib.contextmanager
def threads(count: int | None) -> Iterator[None]:
    """torch CPU threads for the block (unchanged with None)."""
    previous = torch.get_num_threads()
    if count is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def quiet_transformers() -> None:
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    warnings.filterwarnings("ignore")


# ------------------------------------------------------------------------------------ machine
def machine_facts(devices: Sequence[torch.device]) -> list[tuple[str, str]]:
    import transformers

    model = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    facts = [
        ("cpu", f"{model}: {os.cpu_count()} logical CPUs, {usable} usable by this process"),
        (
            "python / torch / transformers",
            f"{platform.python_version()} / {torch.__version__} / {transformers.__version__}",
        ),
        (
            "torch threads (default)",
            f"{torch.get_num_threads()} intra-op, {torch.get_num_interop_threads()} inter-op",
        ),
        ("cuda", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "not available"),
        ("measuring on", ", ".join(str(d) for d in devices)),
        ("load average (1, 5, 15 min)", " ".join(f"{v:.2f}" for v in os.getloadavg())),
    ]
    return facts


# ------------------------------------------------------------------------------------ traffic
@dataclass
class TrafficSetup:
    config: Any  # TrafficConfig
    forecaster: Any  # TrafficForecaster with exog moments and locations set
    builder: Any  # WindowBuilder
    train: Any  # OriginRanges
    validation: list[Any]  # list[Batch]
    rows: int
    series_hours: int
    setup_s: float


def traffic_setup(sizes: Sizes) -> TrafficSetup:
    """The panel, window builder and splits exactly as ``TrafficForecaster.fit`` builds them
    on a cold start (timed: part of every nightly fit)."""
    from models.traffic.config import TrafficConfig
    from models.traffic.data import build_panel, exog_moments
    from models.traffic.features import detect_exog_columns
    from models.traffic.forecast import TrafficForecaster
    from models.traffic.inputs import clean_with_exog, fixed_windows
    from models.traffic.sampling import time_ordered_split
    from tests.traffic.synthetic import synthetic_traffic

    config = TrafficConfig()
    history = synthetic_traffic(STORES, DAYS, seed=0, exog=True)
    started = time.perf_counter()
    forecaster = TrafficForecaster(config)
    forecaster.exog_columns = detect_exog_columns(list(history.columns))
    table = clean_with_exog(history, forecaster.exog_columns)
    panel = build_panel(table, forecaster.exog_columns).padded(config.context, config.horizon)
    forecaster.exog_mean, forecaster.exog_std = exog_moments(panel)
    forecaster.locations = panel.locations
    builder = forecaster._builder(panel)
    split = time_ordered_split(
        panel.counts,
        start=config.context,
        horizon=config.horizon,
        min_history=config.min_history,
        validation_fraction=config.validation_fraction,
    )
    assert split.validation is not None
    validation = fixed_windows(
        builder, split.validation, config.validation_windows, config.batch_size, config.seed
    )
    setup_s = time.perf_counter() - started
    return TrafficSetup(
        config,
        forecaster,
        builder,
        split.train,
        validation,
        len(history),
        STORES * DAYS * 24,
        setup_s,
    )


def fresh_network(setup: TrafficSetup) -> Any:
    setup.forecaster.network = None
    return setup.forecaster._network_for(len(setup.forecaster.locations))


def traffic_loader(setup: TrafficSetup, device: torch.device, batch: int, windows: int) -> Any:
    """The trainer's own loader (window building in the main process, pinned on CUDA)."""
    from models.traffic.train import _EpochBatches

    config = replace(setup.config, samples_per_epoch=windows)
    epoch = _EpochBatches(setup.builder, setup.train, config, seed=12_345, batch_size=batch)
    return DataLoader(epoch, batch_size=None, pin_memory=device.type == "cuda")


def traffic_training(setup: TrafficSetup, device: torch.device, batch: int, sizes: Sizes) -> Row:
    """``train_network`` for a fixed number of epochs (no validation, no early stopping)."""
    from models.traffic.train import train_network

    config = replace(setup.config, device=device.type, batch_size=batch, gpu_batch_size=batch)
    if sizes.traffic_samples_per_epoch is not None:
        config = replace(config, samples_per_epoch=sizes.traffic_samples_per_epoch)
    network = fresh_network(setup)
    with threads(config.cpu_threads):
        warmup = replace(config, samples_per_epoch=sizes.traffic_warmup)
        train_network(
            network,
            setup.builder,
            setup.train,
            [],
            warmup,
            epochs=1,
            learning_rate=config.learning_rate,
        )
        sync(device)
        started = time.perf_counter()
        report = train_network(
            network,
            setup.builder,
            setup.train,
            [],
            config,
            epochs=sizes.traffic_epochs,
            learning_rate=config.learning_rate,
        )
        sync(device)
        seconds = time.perf_counter() - started
    network.to("cpu")
    return Row(
        "traffic train",
        str(device),
        batch,
        _cpu_threads(device, config.cpu_threads),
        report.samples,
        seconds,
        load1(),
        "train_network",
    )


def traffic_pipeline_only(
    setup: TrafficSetup, device: torch.device, batch: int, windows: int
) -> Row:
    """The trainer's loader alone: window building (numpy) and collation, no network."""
    started = time.perf_counter()
    count = sum(len(b["series"]) for b in traffic_loader(setup, device, batch, windows))
    seconds = time.perf_counter() - started
    return Row(
        "traffic train", str(device), batch, None, count, seconds, load1(), "data pipeline alone"
    )


def traffic_network_only(
    setup: TrafficSetup, device: torch.device, batch: int, windows: int
) -> Row:
    """The trainer's step (autocast, pinball loss, clip, AdamW) on pre-built batches."""
    from models.common.torch_device import autocast
    from models.traffic.network import pinball_loss
    from models.traffic.train import GRADIENT_CLIP

    config = setup.config
    built = list(itertools.islice(traffic_loader(setup, device, batch, 8 * batch), 8))
    steps = max(windows // batch, 32 if device.type == "cuda" else 1)  # GPU steps are short
    network = fresh_network(setup).to(device).train()
    optimiser = torch.optim.AdamW(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )

    def step(batch_tensors: dict[str, torch.Tensor]) -> int:
        moved = {k: v.to(device, non_blocking=True) for k, v in batch_tensors.items()}
        with autocast(device):
            predicted = network(moved["past"], moved["future"], moved["series"])
        loss = pinball_loss(predicted.float(), moved["target"])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(network.parameters(), GRADIENT_CLIP)
        optimiser.step()
        return len(moved["series"])

    with threads(config.cpu_threads):
        step(built[0])  # warm-up
        sync(device)
        started = time.perf_counter()
        count = sum(step(b) for b in itertools.islice(itertools.cycle(built), steps))
        sync(device)
        seconds = time.perf_counter() - started
    network.to("cpu")
    return Row(
        "traffic train",
        str(device),
        batch,
        _cpu_threads(device, config.cpu_threads),
        count,
        seconds,
        load1(),
        "network alone (pre-built batches)",
    )


def traffic_validation_pass(setup: TrafficSetup, device: torch.device) -> Row:
    """One validation pass (run before training, after every epoch and for calibration)."""
    from models.traffic.train import _validation_loss, to_tensors

    batches = [to_tensors(b) for b in setup.validation]
    network = fresh_network(setup).to(device)
    with threads(setup.config.cpu_threads):
        _validation_loss(network, batches[:1], device)  # warm-up
        sync(device)
        started = time.perf_counter()
        _validation_loss(network, batches, device)
        sync(device)
        seconds = time.perf_counter() - started
    network.to("cpu")
    count = sum(len(b["series"]) for b in batches)
    return Row(
        "traffic validation",
        str(device),
        setup.config.batch_size,
        _cpu_threads(device, setup.config.cpu_threads),
        count,
        seconds,
        load1(),
        "forward only",
    )


def _cpu_threads(device: torch.device, count: int | None) -> int | None:
    return count if device.type == "cpu" else None


# ---------------------------------------------------------------------------------- sentiment
def synthetic_reviews(count: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Reviews from the simulator's generator: 70% Spanish, 30% English, mostly 4-5 stars."""
    from models.loyalty.labels import ratings_to_labels
    from pipelines.simulator.reviews import write_texts
    from pipelines.simulator.textgen import ASPECTS

    rng = np.random.default_rng(seed)
    ratings = rng.choice([1, 2, 3, 4, 5], size=count, p=[0.12, 0.1, 0.18, 0.3, 0.3])
    causes = rng.choice(np.array(ASPECTS, dtype=object), size=count)
    families = rng.choice(np.array(["store", "restaurant"], dtype=object), size=count)
    _, texts = write_texts(ratings, causes, families, rng)
    return texts, ratings_to_labels(ratings)


def sentiment_model(device: torch.device) -> tuple[Any, float]:
    """The offline backbone with a fresh 3-class head, via the module's loader; load seconds."""
    from models.loyalty.labels import CLASS_NAMES
    from models.loyalty.sentiment import SentimentModel, _load_pretrained
    from models.loyalty.sentiment_config import SentimentConfig, resolve_backbone

    config = SentimentConfig(device=device.type)
    torch.manual_seed(config.seed)
    started = time.perf_counter()
    model, tokenizer = _load_pretrained(resolve_backbone(config.backbone), len(CLASS_NAMES))
    seconds = time.perf_counter() - started
    return SentimentModel(model, tokenizer, config), seconds


def sentiment_scoring(
    model: Any, texts: list[str], batch: int, count: int | None, device: torch.device
) -> Row:
    with threads(count):
        started = time.perf_counter()
        model.predict_proba(texts, batch_size=batch)
        sync(device)
        seconds = time.perf_counter() - started
        used = torch.get_num_threads()
    return Row(
        "sentiment scoring",
        str(device),
        batch,
        _cpu_threads(device, used),
        len(texts),
        seconds,
        load1(),
        "predict_proba",
    )


def sentiment_finetune(
    model: Any,
    texts: list[str],
    labels: np.ndarray,
    steps: int,
    count: int | None,
    device: torch.device,
) -> Row:
    """``steps`` optimiser steps of ``fine_tune``'s loop (after one warm-up step), on batches
    of similar lengths drawn as ``fine_tune`` draws them."""
    from models.common.torch_device import autocast
    from models.loyalty.sentiment import GRADIENT_CLIP, _epoch_batches, _padded

    config = model.config
    encoded = model.encode(texts)
    lengths = np.array([len(e) for e in encoded])
    targets = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    network, pad_id = model.model, model.tokenizer.pad_token_id
    optimiser = torch.optim.AdamW(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    batches = itertools.cycle(_epoch_batches(lengths, config.batch_size, np.random.default_rng(0)))

    def step(rows: np.ndarray) -> int:
        with autocast(device):
            logits = network(**_padded(encoded, rows, pad_id, device)).logits
        loss = torch.nn.functional.cross_entropy(logits.float(), targets[rows].to(device))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(network.parameters(), GRADIENT_CLIP)
        optimiser.step()
        loss.item()  # fine_tune reads every loss: a sync point on CUDA
        return len(rows)

    network.train()
    with threads(count):
        step(next(batches))  # warm-up
        started = time.perf_counter()
        examples = sum(step(next(batches)) for _ in range(steps))
        sync(device)
        seconds = time.perf_counter() - started
        used = torch.get_num_threads()
    network.eval()
    return Row(
        "sentiment fine-tune",
        str(device),
        config.batch_size,
        _cpu_threads(device, used),
        examples,
        seconds,
        load1(),
        f"{steps} optimiser steps",
    )


# ----------------------------------------------------------------------------------- printing
def print_table(title: str, unit: str, rows: Sequence[Row]) -> None:
    print(f"\n{title}")
    print(
        f"{'device':<7} {'batch':>5} {'threads':>7} {unit:>10} {'count':>7} {'seconds':>8} "
        f"{'load':>5}  what"
    )
    for r in rows:
        threads_text = "-" if r.threads is None else str(r.threads)
        print(
            f"{r.device:<7} {r.batch:>5} {threads_text:>7} {r.rate:>10,.1f} {r.count:>7,} "
            f"{r.seconds:>8.2f} {r.load:>5.2f}  {r.note}"
        )


def accuracy(quick: bool) -> None:
    """The sales forest vs its LightGBM peer, and the traffic band's coverage."""
    from datetime import date, timedelta

    from models.sales.backtest import run_backtest as sales_backtest
    from models.sales.config import SalesConfig
    from models.sales.frame import SalesInputs
    from models.traffic.backtest import run_backtest as traffic_backtest
    from models.traffic.config import TrafficConfig
    from pipelines.evaluation.chain import daily_weather, simulate_chain
    from pipelines.evaluation.forecasts import traffic_frame

    stores, days = (8, 400) if quick else (STORES, DAYS)
    began = time.perf_counter()
    first = date(2024, 1, 1)
    history = simulate_chain(stores, first, first + timedelta(days=days - 1), seed=7)
    seconds = time.perf_counter() - began
    print(
        f"\nAccuracy on the simulator: {stores} stores x {days} days (seed 7), simulated in "
        f"{seconds:.0f} s"
    )

    inputs = SalesInputs(
        sales=history.sales_frame(),
        promotions=history.promotions_frame(),
        weather=daily_weather(history.sim),
    )
    began = time.perf_counter()
    result = sales_backtest(inputs, SalesConfig(), folds=2 if quick else 4, peer=True)
    print(
        f"\nSales backtest ({len(result.fit_seconds)} folds of 14 days; fits: forest "
        f"{sum(result.fit_seconds):.0f} s, LightGBM {sum(result.metrics['peer_fit_seconds']):.0f}"
        f" s; {time.perf_counter() - began:.0f} s in all)"
    )
    print(
        f"{'level':<9} {'naive WAPE':>10} {'forest WAPE':>11} {'ratio':>6} "
        f"{'LightGBM WAPE':>13} {'ratio':>6}"
    )
    for level in ("category", "store"):
        block = result.metrics[level]
        print(
            f"{level:<9} {block['seasonal_naive']['wape']:>10.3f} {block['model']['wape']:>11.3f} "
            f"{block['ratio']['wape']:>6.3f} {block['peer']['wape']:>13.3f} "
            f"{block['peer_ratio']['wape']:>6.3f}"
        )

    config = TrafficConfig()
    if quick:
        config = replace(config, max_epochs=6, samples_per_epoch=4096)
    began = time.perf_counter()
    traffic = traffic_backtest(traffic_frame(history), config, folds=2 if quick else 4)
    overall = traffic.metrics["overall"]
    print(
        f"\nTraffic backtest ({len(traffic.metrics['origins'])} weekly origins, "
        f"{time.perf_counter() - began:.0f} s): P50 MAE "
        f"x{overall['ratio_vs_seasonal_naive']['mae']:.3f} seasonal naive; P10-P90 coverage "
        f"{overall['coverage_p10_p90']:.1%} of all hours, "
        f"{overall['coverage_p10_p90_open_hours']:.1%} of open hours (target 75-85%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke check")
    parser.add_argument(
        "--section", choices=("throughput", "accuracy", "all"), default="throughput"
    )
    args = parser.parse_args()
    if args.section == "accuracy":
        accuracy(args.quick)
        return
    logging.basicConfig(level=logging.WARNING)
    quiet_transformers()
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: torch sees no CUDA GPU")
    devices = [torch.device("cpu")] if args.device != "cuda" else []
    if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()):
        devices.append(torch.device("cuda"))
    sizes = QUICK if args.quick else FULL
    default_threads = torch.get_num_threads()
    began = time.perf_counter()

    print("Machine")
    for name, value in machine_facts(devices):
        print(f"  {name:<30} {value}")
    print("  (a shared machine: other work runs on the same cores, so rates are noisy)")

    # ------------------------------------------------------------------ traffic RNN training
    setup = traffic_setup(sizes)
    cfg = setup.config
    print(
        f"\nTraffic RNN: {STORES} stores x {DAYS} days hourly ({setup.series_hours:,} "
        f"series-hours, {setup.rows:,} rows after outages, 3 exog "
        f"columns), {setup.train.total:,} distinct training windows; lookback "
        f"{cfg.lookback} h, horizon {cfg.horizon} h ({cfg.train_steps} scored per window); "
        f"{cfg.samples_per_epoch:,} windows per epoch (measured here: {sizes.traffic_epochs} "
        f"epoch(s) of {sizes.traffic_samples_per_epoch or cfg.samples_per_epoch:,} after a "
        f"{sizes.traffic_warmup:,}-window warm-up); torch CPU threads {cfg.cpu_threads} "
        f"(TrafficConfig.cpu_threads); setup (panel, builder, validation windows) "
        f"{setup.setup_s:.1f} s"
    )
    traffic_rows: list[Row] = []
    validation_rows: dict[str, Row] = {}
    for device in devices:
        batches = [cfg.batch_size] if device.type == "cpu" else [cfg.gpu_batch_size, cfg.batch_size]
        for batch in batches:
            traffic_rows.append(traffic_training(setup, device, batch, sizes))
            traffic_rows.append(
                traffic_pipeline_only(setup, device, batch, sizes.traffic_split_windows)
            )
            traffic_rows.append(
                traffic_network_only(setup, device, batch, sizes.traffic_split_windows)
            )
        validation_rows[device.type] = traffic_validation_pass(setup, device)
    print_table("Training throughput (samples = training windows)", "windows/s", traffic_rows)
    window_hours = cfg.lookback + cfg.horizon
    for r in traffic_rows:
        if r.note == "train_network":
            print(
                f"  {r.device} batch {r.batch}: {r.rate:,.0f} windows/s = "
                f"{r.rate * window_hours / 1e3:,.0f}k series-hours/s "
                f"({window_hours} h per window: lookback + horizon), "
                f"{r.rate * cfg.train_steps / 1e3:,.0f}k scored target hours/s"
            )
    print_table("Validation pass", "windows/s", list(validation_rows.values()))

    # -------------------------------------------------------------------------- sentiment
    texts, labels = synthetic_reviews(sizes.reviews)
    scoring_rows: list[Row] = []
    finetune_rows: list[Row] = []
    load_seconds: dict[str, float] = {}
    for device in devices:
        model, load_seconds[device.type] = sentiment_model(device)
        lengths = [len(e) for e in model.encode(texts)]
        thread_options: list[int | None] = [None]
        if device.type == "cpu" and default_threads > 1:
            thread_options.append(1)
        model.predict_proba(texts[:64], batch_size=32)  # warm-up
        for batch in SCORE_BATCHES:
            for count in thread_options:  # alternate, so load noise hits both alike
                scoring_rows.append(sentiment_scoring(model, texts, batch, count, device))
        for count in thread_options:
            finetune_rows.append(
                sentiment_finetune(model, texts, labels, sizes.finetune_steps, count, device)
            )
        del model
    print(
        f"\nSentiment: {len(texts):,} synthetic reviews (70% Spanish), {np.mean(lengths):.1f} "
        f"word pieces on average (max {max(lengths)}); backbone load "
        + ", ".join(f"{d} {s:.1f} s" for d, s in load_seconds.items())
    )
    print_table("Scoring throughput", "reviews/s", scoring_rows)
    print_table("Fine-tuning throughput", "examples/s", finetune_rows)

    # --------------------------------------------------------------- what the nightly implies
    from models.loyalty.sentiment_config import SentimentConfig

    scfg = SentimentConfig()
    print(
        "\nNightly budget implied (training only; data loading, holdout forecasts, MLflow "
        "logging are extra):"
    )
    for r in traffic_rows:
        trainer_batch = cfg.batch_size if r.device == "cpu" else cfg.gpu_batch_size
        if r.note != "train_network" or r.batch != trainer_batch:
            continue
        val_s = validation_rows[r.device].seconds
        epoch_s = cfg.samples_per_epoch / r.rate
        warm = setup.setup_s + cfg.finetune_epochs * epoch_s + (cfg.finetune_epochs + 2) * val_s
        cold = setup.setup_s + cfg.max_epochs * epoch_s + (cfg.max_epochs + 2) * val_s
        print(
            f"  traffic on {r.device} at {r.rate:,.0f} windows/s: an epoch of "
            f"{cfg.samples_per_epoch:,} windows {epoch_s:.1f} s + validation {val_s:.2f} s; "
            f"warm fine-tune ({cfg.finetune_epochs} epochs) ~{warm:.0f} s; cold full "
            f"(up to {cfg.max_epochs} epochs, early stopping may end it sooner) ~{cold:.0f} s"
        )
    for r in finetune_rows:
        score = max(
            (
                s
                for s in scoring_rows
                if s.device == r.device
                and s.threads == r.threads
                and s.batch == SENTIMENT_SCORE_BATCH
            ),
            key=lambda s: s.rate,
        )
        load_s = load_seconds[r.device.split(":")[0]]
        holdout_s = 2 * SENTIMENT_HOLDOUT / score.rate  # challenger and champion
        cold_examples = (scfg.max_train_examples or 0) * scfg.epochs
        cold = load_s + cold_examples / r.rate + holdout_s
        warm = load_s + SENTIMENT_WARM_EXAMPLES / r.rate + holdout_s
        label = r.device + ("" if r.threads is None else f", {plural(r.threads, 'thread')}")
        print(
            f"  sentiment on {label} at {r.rate:.1f} examples/s, {score.rate:.0f} reviews/s: "
            f"warm ({SENTIMENT_WARM_EXAMPLES} x 1 epoch) ~{warm:.0f} s; cold "
            f"({scfg.max_train_examples} x {scfg.epochs} epochs) ~{cold:.0f} s "
            f"(each with scoring {SENTIMENT_HOLDOUT} holdout reviews twice)"
        )

    # ---------------------------------------------------------------------------- summary
    print(
        f"\nSummary ({time.perf_counter() - began:.0f} s, load average now "
        f"{' '.join(f'{v:.2f}' for v in os.getloadavg())})"
    )

    def best(rows: Sequence[Row], device: str, note: str | None = None) -> Row | None:
        found = [r for r in rows if r.device == device and (note is None or r.note == note)]
        return max(found, key=lambda r: r.rate) if found else None

    metrics = [
        ("traffic training", "windows/s", traffic_rows, "train_network"),
        ("sentiment scoring", "reviews/s", scoring_rows, None),
        ("sentiment fine-tune", "examples/s", finetune_rows, None),
    ]
    for name, unit, rows, note in metrics:
        parts = []
        for device in devices:
            r = best(rows, str(device), note)
            if r is not None:
                threads_text = "" if r.threads is None else f", {plural(r.threads, 'thread')}"
                parts.append(f"{device}: {r.rate:,.1f} {unit} (batch {r.batch}{threads_text})")
        cpu, gpu = best(rows, "cpu", note), best(rows, "cuda", note)
        if cpu and gpu:
            parts.append(f"GPU/CPU = {gpu.rate / cpu.rate:.1f}x")
        elif cpu:
            parts.append("GPU not available: CPU only")
        print(f"  {name}: " + "; ".join(parts))
    sys.stdout.flush()
    if args.section == "all":
        accuracy(args.quick)


if __name__ == "__main__":
    main()
