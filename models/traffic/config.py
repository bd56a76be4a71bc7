"""Settings of the foot-traffic forecaster: one frozen dataclass, serialisable with the weights."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

HOURS_PER_WEEK = 168
# The seasonal anchor averages the same hour over this many past weeks (the strongest simple
# baseline on real foot-traffic series).
ANCHOR_WEEKS = 4
# A longer, steadier same-hour mean offered to the network next to the anchor.
LONG_WEEKS = 8
# "A year ago" is 52 weeks earlier: the same weekday, near the same date.
YEAR_HOURS = 52 * HOURS_PER_WEEK

Device = Literal["auto", "cpu", "cuda"]


@dataclass(frozen=True)
class TrafficConfig:
    """Everything that shapes the model and its training. Defaults fit 20 series x 2 years
    hourly in a few CPU minutes."""

    horizon: int = 168
    # Hours of past counts the recurrent encoder reads (>= 2 weeks).
    lookback: int = 336
    # The encoder reads the hourly lookback in blocks of this many consecutive hours: the same
    # information at 1/patch_hours of the recurrent steps, which is what keeps CPU training cheap.
    patch_hours: int = 24
    hidden: int = 64
    decoder_hidden: int = 96
    embedding_dim: int = 8
    # Chance of hiding a series' identity during training, so the reserved "unknown" embedding
    # learns a sensible default for stores never seen in training.
    embedding_dropout: float = 0.15
    # Chance of hiding the horizon's exogenous values during training, so forecasts without
    # future_exog stay sensible.
    exog_dropout: float = 0.2
    # Dropout widens the training-time spread the quantile offsets learn to cover, which
    # leaves eval-time intervals too wide; early stopping and weight decay regularise instead.
    dropout: float = 0.0
    country: str = "PE"
    # Exogenous columns to use; None picks every known name present in the history.
    exog_columns: tuple[str, ...] | None = None
    # Horizon hours scored per training window (a fresh random subset per batch). The decoder
    # treats hours independently and neighbouring hours carry much the same signal, so this
    # cuts training cost ~3x at little loss; validation and forecasts use every hour.
    train_steps: int = 48
    batch_size: int = 256
    # On a GPU, bigger batches keep it busy (same windows per epoch, fewer steps).
    gpu_batch_size: int = 1024
    samples_per_epoch: int = 8192
    max_epochs: int = 40
    finetune_epochs: int = 3
    patience: int = 6
    learning_rate: float = 2e-3
    finetune_learning_rate: float = 5e-4
    # A warm fine-tune validates on the last two weeks, not on the last 10%: the starting
    # weights were early-stopped on that 10% and never trained on it, so the fine-tune could
    # not learn from it either (in the nightly benchmark it never beat its starting weights).
    # bench/traffic_finetune.py: mean holdout MAE over 4 weekly origins 3.756 vs 3.778.
    finetune_validation_hours: int = 336
    weight_decay: float = 1e-4
    # Share of the training span kept (at the end) for early stopping.
    validation_fraction: float = 0.1
    validation_windows: int = 1024
    # A series needs this many observed hours before an origin to yield a training window.
    min_history: int = 168
    device: Device = "auto"
    # Torch CPU threads while training/forecasting (restored afterwards). One thread is the
    # robust choice for this small network: on a busy machine, more threads mostly spin.
    cpu_threads: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError(f"horizon must be positive, got {self.horizon}")
        if self.lookback < self.patch_hours or self.lookback % self.patch_hours:
            raise ValueError(
                f"lookback ({self.lookback}) must be a positive multiple of "
                f"patch_hours ({self.patch_hours})"
            )

    @property
    def context(self) -> int:
        """Hours before an origin that one window reads: the encoder's lookback and the
        LONG_WEEKS same-hour values of every horizon step, whichever reaches further."""
        weeks_back = -(-self.horizon // HOURS_PER_WEEK) + LONG_WEEKS - 1
        return max(self.lookback, weeks_back * HOURS_PER_WEEK)

    @property
    def reach(self) -> int:
        """Hours before an origin that forecasting may read: the context, and the same dates
        a year earlier with the 4 weeks before them (year-over-year features)."""
        return max(self.context, YEAR_HOURS + (ANCHOR_WEEKS + 1) * HOURS_PER_WEEK)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exog_columns"] = list(self.exog_columns) if self.exog_columns is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrafficConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("exog_columns") is not None:
            values["exog_columns"] = tuple(values["exog_columns"])
        return cls(**values)
