"""Model inputs for (series, origin) pairs, vectorised over a batch (pure numpy).

Counts are divided by a per-series, per-window scale (mean of the last 4 weeks before the
origin), so the network sees the same numbers whether a store counts 5 or 5,000 people an hour.
Each horizon step carries a seasonal anchor (mean of the same hour over the previous weeks);
the network predicts a correction to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.traffic.config import ANCHOR_WEEKS, HOURS_PER_WEEK, LONG_WEEKS, TrafficConfig
from models.traffic.data import Panel
from models.traffic.features import CALENDAR_FEATURES, HOLIDAY_FEATURE

SCALE_HOURS = 4 * HOURS_PER_WEEK
RECENT_DAYS = 7
# Per-step features before the calendar and exogenous blocks; "anchor" must stay first
# (the network reads the anchor from column 0).
STEP_FEATURES = (
    "anchor",
    *(f"week_{k}" for k in range(1, ANCHOR_WEEKS + 1)),
    "median",
    "long_mean",
    "smooth",
    "spread",
    "observed_share",
    "recent_days",
    "lead",
    "anchor_holiday_share",
    "last_week_holiday",
    "level_last_week",
    "level_last_day",
    "missing_share",
)


@dataclass(frozen=True)
class Batch:
    past: np.ndarray  # [B, lookback, past_features]
    future: np.ndarray  # [B, horizon, future_features]; column 0 is the anchor
    series: np.ndarray  # [B] int64 embedding index (0 = unknown)
    target: np.ndarray  # [B, horizon] scaled counts, NaN where unknown
    scale: np.ndarray  # [B]


def past_feature_count(exog: int) -> int:
    return 2 + len(CALENDAR_FEATURES) + exog


def future_feature_count(exog: int) -> int:
    return len(STEP_FEATURES) + len(CALENDAR_FEATURES) + 2 * exog


def _nanmean(values: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean ignoring NaN (NaN where nothing observed) and the number observed; no warnings."""
    observed = ~np.isnan(values)
    count = observed.sum(axis=axis)
    total = np.where(observed, values, 0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan), count


def _nanmedian_last(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median over the last axis ignoring NaN (np.sort puts NaN last)."""
    ordered = np.sort(values, axis=-1)
    lo = np.maximum((count - 1) // 2, 0)[..., None]
    hi = np.maximum(count // 2, 0)[..., None]
    hi = np.minimum(hi, values.shape[-1] - 1)
    low = np.take_along_axis(ordered, lo, axis=-1)[..., 0]
    high = np.take_along_axis(ordered, hi, axis=-1)[..., 0]
    return np.where(count > 0, (low + high) / 2, np.nan)


class WindowBuilder:
    """Cuts windows out of a panel padded by ``config.context`` before and ``horizon`` after.

    ``origins`` are indices into the padded panel: the first forecast hour of each window.
    """

    def __init__(
        self,
        panel: Panel,
        calendar: np.ndarray,
        config: TrafficConfig,
        exog_mean: np.ndarray,
        exog_std: np.ndarray,
        series_index: np.ndarray,
    ) -> None:
        self.counts = panel.counts
        self.exog = (panel.exog - exog_mean) / exog_std
        self.calendar = calendar
        self.config = config
        # Embedding index of each panel row (0 for series the network has never seen).
        self.series_index = series_index
        horizon, context = config.horizon, config.context
        steps = np.arange(horizon)[:, None]
        weeks = steps // HOURS_PER_WEEK + 1 + np.arange(LONG_WEEKS)
        # Positions (in the context) of each step's same hour in earlier weeks, latest first.
        self._long_positions = context + steps - HOURS_PER_WEEK * weeks  # [H, LONG_WEEKS]
        self._week_positions = self._long_positions[:, :ANCHOR_WEEKS]
        # The same hours and their neighbours (smoother on noisy hours), never the origin or
        # later: a neighbour at/after the origin points at the -1 sentinel (NaN).
        around = (self._week_positions[:, :, None] + np.arange(-1, 2)).reshape(horizon, -1)
        self._smooth_positions = np.where(around < context, around, -1)
        days = steps // 24 + 1 + np.arange(RECENT_DAYS)
        self._day_positions = context + steps - 24 * days  # [H, D]
        self._lead = ((steps[:, 0] + 1) / HOURS_PER_WEEK).astype(np.float32)

    def build(
        self,
        rows: np.ndarray,
        origins: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> Batch:
        """Windows for ``rows[i]`` at ``origins[i]``. With ``rng`` (training), series identity
        and the horizon's exogenous values are randomly hidden (see TrafficConfig)."""
        cfg = self.config
        context, horizon, lookback = cfg.context, cfg.horizon, cfg.lookback
        span = np.arange(-context, horizon)
        grid = origins[:, None] + span  # [B, C+H]
        counts = self.counts[rows[:, None], grid]
        past_counts = counts[:, :context]

        scale, _ = _nanmean(np.abs(past_counts[:, -SCALE_HOURS:]), axis=1)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0).astype(np.float32)
        scaled = counts / scale[:, None]
        # One NaN column after the context: the target of out-of-range sentinel positions.
        past_scaled = np.concatenate([scaled[:, :context], np.full((len(rows), 1), np.nan)], 1)
        target = scaled[:, context:]

        weeks = past_scaled[:, self._week_positions]  # [B, H, W]
        anchor, observed = _nanmean(weeks, axis=2)
        recent, _ = _nanmean(past_scaled[:, self._day_positions], axis=2)
        long_mean, _ = _nanmean(past_scaled[:, self._long_positions], axis=2)
        smooth, _ = _nanmean(past_scaled[:, self._smooth_positions], axis=2)
        level_week, _ = _nanmean(past_scaled[:, -1 - HOURS_PER_WEEK : -1], axis=1)
        level_day, _ = _nanmean(past_scaled[:, -1 - 24 : -1], axis=1)
        fallback, _ = _nanmean(past_scaled, axis=1)
        fallback = np.nan_to_num(fallback, nan=0.0)
        anchor = np.where(np.isnan(anchor), recent, anchor)
        anchor = np.where(np.isnan(anchor), fallback[:, None], anchor)
        median = _nanmedian_last(weeks, observed)
        spread = np.sqrt(_nanmean((weeks - anchor[..., None]) ** 2, axis=2)[0])
        weeks_filled = np.where(np.isnan(weeks), anchor[..., None], weeks)

        lookback_scaled = past_scaled[:, context - lookback : context]
        missing = np.isnan(lookback_scaled)
        # Calendar and exog are only read for the lookback and the horizon.
        near = grid[:, context - lookback :]  # [B, L+H]
        calendar = self.calendar[near]
        holidays = self.calendar[:, HOLIDAY_FEATURE]
        anchor_holidays = holidays[origins[:, None, None] - context + self._week_positions]

        exog = self.exog[rows[:, None], near]  # [B, L+H, E]
        future_exog = exog[:, lookback:]
        known = ~np.isnan(future_exog)
        if rng is not None and exog.shape[-1]:
            hidden = rng.random(len(rows)) < cfg.exog_dropout
            known &= ~hidden[:, None, None]
        series = self.series_index[rows].astype(np.int64)
        if rng is not None:
            series = np.where(rng.random(len(rows)) < cfg.embedding_dropout, 0, series)

        batch_shape = (len(rows), horizon)

        def per_window(values: np.ndarray) -> np.ndarray:
            return np.broadcast_to(np.nan_to_num(values, nan=1.0)[:, None], batch_shape)

        steps = [
            anchor,
            *np.moveaxis(weeks_filled, 2, 0),
            np.where(np.isnan(median), anchor, median),
            np.where(np.isnan(long_mean), anchor, long_mean),
            np.where(np.isnan(smooth), anchor, smooth),
            np.nan_to_num(spread),
            observed / ANCHOR_WEEKS,
            np.where(np.isnan(recent), anchor, recent),
            np.broadcast_to(self._lead, batch_shape),
            anchor_holidays.mean(axis=2),
            anchor_holidays[..., 0],
            per_window(level_week),
            per_window(level_day),
            np.broadcast_to(missing.mean(axis=1)[:, None], batch_shape),
        ]
        future = np.concatenate(
            [
                np.stack(steps, axis=-1),
                calendar[:, lookback:],
                np.where(known, future_exog, 0.0),
                known.astype(np.float32),
            ],
            axis=-1,
        )
        past = np.concatenate(
            [
                np.nan_to_num(lookback_scaled)[..., None],
                missing[..., None],
                calendar[:, :lookback],
                np.nan_to_num(exog[:, :lookback]),
            ],
            axis=-1,
        )
        return Batch(
            past=past.astype(np.float32),
            future=future.astype(np.float32),
            series=series,
            target=target.astype(np.float32),
            scale=scale,
        )
