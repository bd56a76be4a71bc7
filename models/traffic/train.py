"""The training loop: sampled windows, pinball loss, early stopping on the validation windows.

Uses CUDA with bf16 autocast and pinned memory when available; on CPU a given seed always
gives the same weights.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader, IterableDataset

from models.common.torch_device import autocast, resolve_device
from models.traffic.config import TrafficConfig
from models.traffic.network import TrafficNetwork, pinball_loss
from models.traffic.sampling import OriginRanges
from models.traffic.windows import Batch, WindowBuilder

GRADIENT_CLIP = 1.0
CALIBRATION_MIN_HOURS = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainReport:
    epochs: int
    best_epoch: int
    best_validation_loss: float | None
    seconds: float
    samples: int
    device: str
    interval_scale: tuple[float, float] = (1.0, 1.0)

    @property
    def samples_per_second(self) -> float:
        return self.samples / self.seconds if self.seconds > 0 else 0.0


def to_tensors(batch: Batch) -> dict[str, torch.Tensor]:
    return {
        "past": torch.from_numpy(batch.past),
        "future": torch.from_numpy(batch.future),
        "series": torch.from_numpy(batch.series),
        "target": torch.from_numpy(batch.target),
    }


class _EpochBatches(IterableDataset[dict[str, torch.Tensor]]):
    """One epoch of randomly drawn training windows, built a whole batch at a time."""

    def __init__(
        self,
        builder: WindowBuilder,
        ranges: OriginRanges,
        config: TrafficConfig,
        seed: int,
        batch_size: int,
    ) -> None:
        self.builder, self.ranges, self.config = builder, ranges, config
        self.seed, self.batch_size = seed, batch_size

    def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
        rng = np.random.default_rng(self.seed)
        # No more draws per epoch than there are distinct windows (short histories).
        windows = min(self.config.samples_per_epoch, self.ranges.total)
        batches = max(1, -(-windows // self.batch_size))
        horizon, steps = self.config.horizon, self.config.train_steps
        for _ in range(batches):
            rows, origins = self.ranges.sample(self.batch_size, rng)
            keep = np.sort(rng.choice(horizon, size=min(steps, horizon), replace=False))
            yield to_tensors(self.builder.build(rows, origins, rng=rng, steps=keep))


def _validation_loss(
    network: TrafficNetwork, batches: list[dict[str, torch.Tensor]], device: torch.device
) -> float:
    network.eval()
    total, weight = 0.0, 0
    with torch.no_grad(), autocast(device):
        for batch in batches:
            moved = {k: v.to(device) for k, v in batch.items()}
            predicted = network(moved["past"], moved["future"], moved["series"])
            known = int((~torch.isnan(moved["target"])).sum())
            total += float(pinball_loss(predicted, moved["target"])) * known
            weight += known
    return total / max(weight, 1)


def train_network(
    network: TrafficNetwork,
    builder: WindowBuilder,
    train: OriginRanges,
    validation: list[Batch],
    config: TrafficConfig,
    *,
    epochs: int,
    learning_rate: float,
) -> TrainReport:
    """Train in place; returns with the weights of the best validation epoch (or the last
    epoch when there is no validation data)."""
    device = resolve_device(config.device)
    torch.manual_seed(config.seed)
    network.to(device)
    network.interval_scale.fill_(1.0)
    optimiser = torch.optim.AdamW(
        network.parameters(), lr=learning_rate, weight_decay=config.weight_decay
    )
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimiser, factor=0.5, patience=2)
    validation_batches = [to_tensors(batch) for batch in validation]
    best_loss, best_epoch, best_state, stale = float("inf"), 0, None, 0
    started, samples, epoch = time.perf_counter(), 0, 0
    if validation_batches:
        # The starting weights compete too: a fresh network forecasts the seasonal anchor, a
        # warm start its previous weights; training must beat them to replace them.
        best_loss = _validation_loss(network, validation_batches, device)
        best_state = copy.deepcopy(network.state_dict())
    for epoch in range(1, epochs + 1):
        network.train()
        loader = DataLoader(
            _EpochBatches(
                builder,
                train,
                config,
                seed=config.seed * 100_003 + epoch,
                batch_size=config.gpu_batch_size if device.type == "cuda" else config.batch_size,
            ),
            batch_size=None,
            pin_memory=device.type == "cuda",
        )
        for batch in loader:
            moved = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
            with autocast(device):
                predicted = network(moved["past"], moved["future"], moved["series"])
            loss = pinball_loss(predicted.float(), moved["target"])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), GRADIENT_CLIP)
            optimiser.step()
            samples += len(moved["series"])
        if not validation_batches:
            continue
        loss_now = _validation_loss(network, validation_batches, device)
        log.info(
            "epoch %d: validation pinball %.4f (best %.4f), %.0fs",
            epoch,
            loss_now,
            best_loss,
            time.perf_counter() - started,
        )
        plateau.step(loss_now)
        if loss_now < best_loss - 1e-5:
            best_loss, best_epoch, stale = loss_now, epoch, 0
            best_state = copy.deepcopy(network.state_dict())
        else:
            stale += 1
            if stale >= config.patience:
                break
    if best_state is not None:
        network.load_state_dict(best_state)
    network.eval()
    if validation_batches:
        calibrate_intervals(network, validation_batches, device)
    return TrainReport(
        epochs=epoch,
        best_epoch=best_epoch if validation_batches else epoch,
        best_validation_loss=best_loss if validation_batches else None,
        seconds=time.perf_counter() - started,
        samples=samples,
        device=str(device),
        interval_scale=(float(network.interval_scale[0]), float(network.interval_scale[1])),
    )


def calibrate_intervals(
    network: TrafficNetwork, batches: list[dict[str, torch.Tensor]], device: torch.device
) -> None:
    """Stretch or shrink the P10 and P90 offsets so that, on the validation windows, 10% of
    the open hours fall below P10 and 10% above P90. Pinball training gets close; this fixes
    what remains (e.g. a drift between early and recent history). Closed hours (activity 0)
    are left out: their forecast and interval are exactly 0."""
    network.interval_scale.fill_(1.0)
    below, above = [], []
    with torch.no_grad(), autocast(device):
        for batch in batches:
            moved = {k: v.to(device) for k, v in batch.items()}
            p10, p50, p90 = (
                network(moved["past"], moved["future"], moved["series"]).float().unbind(-1)
            )
            target = moved["target"]
            usable = ~torch.isnan(target) & (moved["future"][..., 1] > 0)
            below.append(((p50 - target) / (p50 - p10).clamp_min(1e-6))[usable].cpu())
            above.append(((target - p50) / (p90 - p50).clamp_min(1e-6))[usable].cpu())
    lower, upper = torch.cat(below), torch.cat(above)
    if len(lower) < CALIBRATION_MIN_HOURS:
        return
    for side, ratios in enumerate((lower, upper)):
        stretch = torch.quantile(ratios.double(), 0.9).item()
        network.interval_scale[side] = min(max(stretch, 0.5), 2.0)
