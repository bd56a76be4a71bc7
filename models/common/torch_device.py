"""Where torch models run: the device choice, bf16 autocast on CUDA, CPU thread pinning.

Shared by the traffic RNN and the review-sentiment encoder (one rule for both).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from pipelines.errors import NightshiftError


def resolve_device(choice: str) -> torch.device:
    """``auto`` picks CUDA when torch sees a GPU; ``cuda`` without one is a clear error."""
    if choice == "cuda" and not torch.cuda.is_available():
        raise NightshiftError("device cuda was requested but torch sees no CUDA GPU")
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(choice)


def device_kind(choice: str) -> str:
    """``cpu`` or ``cuda``: what ``choice`` runs on here (never raises; training does)."""
    if choice == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return choice


def autocast(device: torch.device) -> torch.autocast:
    """bf16 autocast on CUDA; a no-op on CPU (which keeps CPU results bit-for-bit seeded)."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")


@contextlib.contextmanager
def cpu_threads(count: int) -> Iterator[None]:
    """Run torch's CPU kernels on ``count`` threads for the duration of the block."""
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
