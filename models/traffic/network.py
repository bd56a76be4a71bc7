"""The global recurrent network: a GRU reads the scaled lookback, a shared MLP turns its summary
plus each horizon hour's features into P10/P50/P90 (all 168 hours at once, direct).

P50 is the seasonal anchor plus a learned correction, and the last layer starts at zero, so an
untrained or barely trained network forecasts exactly the 4-week same-hour mean. P10 and P90 sit
below and above P50 by softplus offsets, so the quantiles can never cross.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional

QUANTILES = (0.1, 0.5, 0.9)
# Decoder outputs per hour: anchor multiplier, additive correction, P10 and P90 offsets.
OUTPUTS = 4
INITIAL_HALF_WIDTH = 0.2  # in units of the hour's activity; training adjusts it quickly


class TrafficNetwork(nn.Module):
    interval_scale: torch.Tensor

    def __init__(
        self,
        past_features: int,
        future_features: int,
        series_count: int,
        *,
        patch_hours: int,
        hidden: int,
        decoder_hidden: int,
        embedding_dim: int,
        dropout: float,
    ) -> None:
        super().__init__()
        self.patch_hours = patch_hours
        self.patch = nn.Linear(past_features * patch_hours, hidden)
        self.encoder = nn.GRU(hidden, hidden, batch_first=True)
        # Row 0 is the reserved "unknown series" embedding.
        self.embedding = nn.Embedding(series_count + 1, embedding_dim)
        self.context = nn.Linear(hidden + embedding_dim, decoder_hidden)
        self.step = nn.Linear(future_features, decoder_hidden)
        self.decoder = nn.Sequential(
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(decoder_hidden, decoder_hidden),
            nn.GELU(),
            nn.Linear(decoder_hidden, OUTPUTS),
        )
        # Multipliers of the P10 and P90 offsets, set after training so the intervals cover
        # 80% of the validation hours (see train.calibrate_intervals); 1 while training.
        self.register_buffer("interval_scale", torch.ones(2))
        last = self.decoder[-1]
        assert isinstance(last, nn.Linear)
        nn.init.zeros_(last.weight)
        offset = math.log(math.expm1(INITIAL_HALF_WIDTH))  # softplus(offset) == half width
        with torch.no_grad():
            last.bias.copy_(torch.tensor([0.0, 0.0, offset, offset]))

    def forward(
        self, past: torch.Tensor, future: torch.Tensor, series: torch.Tensor
    ) -> torch.Tensor:
        """past [B, L, Fp], future [B, H, Ff] (column 0: anchor, 1: activity), series [B]
        -> [B, H, 3] scaled P10/P50/P90."""
        batch, lookback, features = past.shape
        patches = past.reshape(batch, lookback // self.patch_hours, self.patch_hours * features)
        tokens = functional.gelu(self.patch(patches))
        # The recurrence runs in float32 even under bf16 autocast: it is a small share of the
        # compute, and bf16 support of fused RNN kernels varies across GPUs.
        with torch.autocast(device_type=past.device.type, enabled=False):
            _, last_state = self.encoder(tokens.float())
        summary = torch.cat([last_state[-1], self.embedding(series)], dim=-1)
        hidden = self.step(future) + self.context(summary).unsqueeze(1)
        raw = self.decoder(hidden).float()
        anchor, activity = future[..., 0].float(), future[..., 1].float()
        # Effects like holidays, promotions and level shifts are proportional to the level:
        # one output scales the anchor; the additive correction and the interval widths are
        # in units of the hour's recent activity, so a closed hour (activity 0) is forecast
        # as exactly 0 with an empty interval.
        p50 = anchor * (1 + raw[..., 0]) + activity * raw[..., 1]
        scale = self.interval_scale
        p10 = p50 - scale[0] * activity * functional.softplus(raw[..., 2])
        p90 = p50 + scale[1] * activity * functional.softplus(raw[..., 3])
        return torch.stack([p10, p50, p90], dim=-1)

    def grow_embedding(self, series_count: int) -> None:
        """Make room for new series (warm start); new rows start as the unknown embedding."""
        old = self.embedding.weight.data
        if series_count + 1 <= old.shape[0]:
            return
        grown = nn.Embedding(series_count + 1, old.shape[1]).to(old.device)
        with torch.no_grad():
            grown.weight[: old.shape[0]] = old
            grown.weight[old.shape[0] :] = old[0]
        self.embedding = grown


def pinball_loss(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean quantile loss over known targets; NaN targets (missing hours) count for nothing."""
    known = ~torch.isnan(target)
    safe_target = torch.where(known, target, torch.zeros_like(target)).unsqueeze(-1)
    levels = torch.tensor(QUANTILES, device=predicted.device, dtype=predicted.dtype)
    error = safe_target - predicted
    loss = torch.maximum(levels * error, (levels - 1) * error).sum(dim=-1)
    weight = known.to(loss.dtype)
    return (loss * weight).sum() / weight.sum().clamp_min(1.0)
