"""Model inputs for (series, origin) pairs, vectorised over a batch (pure numpy).

Counts are divided by a per-series, per-window scale (mean of the last 4 weeks before the
origin), so the network sees the same numbers whether a store counts 5 or 5,000 people an hour.
Each horizon step carries a seasonal anchor (mean of the same hour over the previous weeks);
the network predicts a correction to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.common.arrays import nanmean
from models.traffic.config import (
    ANCHOR_WEEKS,
    HOURS_PER_WEEK,
    LONG_WEEKS,
    YEAR_HOURS,
    TrafficConfig,
)
from models.traffic.data import Panel
from models.traffic.features import CALENDAR_FEATURES, HOLIDAY_FEATURE

SCALE_HOURS = 4 * HOURS_PER_WEEK
RECENT_DAYS = 7
POOLED_DAYS = 28
# Per-step features before the calendar and exogenous blocks. The network reads the anchor
# from column 0 and the activity (how busy that hour has been lately) from column 1.
STEP_FEATURES = (
    "anchor",
    "activity",
    *(f"week_{k}" for k in range(1, ANCHOR_WEEKS + 1)),
    "median",
    "long_mean",
    "smooth",
    "pooled",
    "hour_level",
    "weekday_level",
    "spread",
    "observed_share",
    "recent_days",
    "lead",
    "anchor_holiday_share",
    "last_week_holiday",
    "level_last_week",
    "level_last_day",
    "missing_share",
    "year_ago_factor",
    "year_ago_known",
)


@dataclass(frozen=True)
class Batch:
    past: np.ndarray  # [B, lookback, past_features]
    future: np.ndarray  # [B, horizon, future_features]; columns 0, 1: anchor, activity
    series: np.ndarray  # [B] int64 embedding index (0 = unknown)
    target: np.ndarray  # [B, horizon] scaled counts, NaN where unknown
    scale: np.ndarray  # [B]


def past_feature_count(exog: int) -> int:
    return 2 + len(CALENDAR_FEATURES) + exog


def future_feature_count(exog: int) -> int:
    return len(STEP_FEATURES) + len(CALENDAR_FEATURES) + 2 * exog


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
        # Running sums over the whole panel: the mean of any span of hours in O(1), for
        # features that look a year back without cutting year-long windows.
        known = ~np.isnan(panel.counts)
        zero = np.zeros((len(known), 1))
        self._running_total = np.concatenate(
            [zero, np.cumsum(np.where(known, panel.counts, 0.0), axis=1, dtype=np.float64)], 1
        )
        self._running_count = np.concatenate([zero, np.cumsum(known, axis=1)], axis=1)
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
        days = steps // 24 + 1 + np.arange(POOLED_DAYS)
        self._pooled_day_positions = context + steps - 24 * days  # [H, POOLED_DAYS]
        # The 24 hours around each same-hour-of-week value (its day's level), as [start, end)
        # bounds cut off at the origin.
        centre = self._week_positions
        self._block_start = np.clip(centre - 12, 0, context)
        self._block_end = np.clip(centre + 12, 0, context)
        self._lead = ((steps[:, 0] + 1) / HOURS_PER_WEEK).astype(np.float32)

    def _span_sums(
        self, rows: np.ndarray, start: np.ndarray, end: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sum and number of known counts of ``rows`` over ``[start, end)`` (clipped to the
        panel); ``rows`` broadcasts against the spans' leading axis."""
        hours = self.counts.shape[1]
        start, end = np.clip(start, 0, hours), np.clip(end, 0, hours)
        rows = rows.reshape(-1, *([1] * (start.ndim - 1)))
        total = self._running_total[rows, end] - self._running_total[rows, start]
        count = self._running_count[rows, end] - self._running_count[rows, start]
        return total, count

    def _year_ago_factor(
        self, rows: np.ndarray, origins: np.ndarray, steps: np.ndarray
    ) -> np.ndarray:
        """How busy each target day was a year ago relative to the same weekday in the weeks
        before it (``[B, S]``, NaN when unknown): annual seasonality and yearly events that
        the holiday calendar does not know."""
        then = origins[:, None] + steps[None, :] - YEAR_HOURS  # [B, S]
        day_total, day_count = self._span_sums(rows, then - 12, then + 12)
        weeks = steps[:, None] // HOURS_PER_WEEK + 1 + np.arange(ANCHOR_WEEKS)  # [S, W]
        before = then[..., None] - HOURS_PER_WEEK * weeks[None]  # [B, S, W]
        usual_total, usual_count = self._span_sums(rows, before - 12, before + 12)
        with np.errstate(invalid="ignore", divide="ignore"):
            day = day_total / day_count
            usual = usual_total.sum(axis=2) / usual_count.sum(axis=2)
            factor = np.where((day_count > 0) & (usual > 0), day / usual, np.nan)
        return np.clip(factor, 0.1, 10.0)

    def _pooled(
        self, past: np.ndarray, steps: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A low-noise estimate for each horizon hour: the hour-of-day level over the last 28
        days times the level of the same weekday over the last 4 weeks (hour x weekday, each
        estimated from many more hours than the 4 same-hour values of the anchor)."""
        hour_level, _ = nanmean(past[:, self._pooled_day_positions[steps]], axis=2)
        known = ~np.isnan(past)
        zero = np.zeros((len(past), 1))
        total = np.concatenate([zero, np.cumsum(np.where(known, past, 0.0), axis=1)], axis=1)
        count = np.concatenate([zero, np.cumsum(known, axis=1)], axis=1)
        start, end = self._block_start[steps], self._block_end[steps]
        block_total = (total[:, end] - total[:, start]).sum(axis=2)
        block_count = (count[:, end] - count[:, start]).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            weekday_level = np.where(block_count > 0, block_total / block_count, np.nan)
        return hour_level * weekday_level, hour_level, weekday_level

    def build(
        self,
        rows: np.ndarray,
        origins: np.ndarray,
        rng: np.random.Generator | None = None,
        steps: np.ndarray | None = None,
    ) -> Batch:
        """Windows for ``rows[i]`` at ``origins[i]``, for the given horizon ``steps`` (default:
        all). With ``rng`` (training), series identity and the horizon's exogenous values are
        randomly hidden (see TrafficConfig)."""
        cfg = self.config
        context, lookback = cfg.context, cfg.lookback
        steps = np.arange(cfg.horizon) if steps is None else steps
        past_grid = origins[:, None] + np.arange(-context, 0)  # [B, C]
        future_grid = origins[:, None] + steps  # [B, S]
        past_counts = self.counts[rows[:, None], past_grid]

        scale, _ = nanmean(np.abs(past_counts[:, -SCALE_HOURS:]), axis=1)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0).astype(np.float32)
        # One NaN column after the context: the target of out-of-range sentinel positions.
        past_scaled = np.concatenate(
            [past_counts / scale[:, None], np.full((len(rows), 1), np.nan)], axis=1
        )
        target = self.counts[rows[:, None], future_grid] / scale[:, None]
        lookback_scaled = past_scaled[:, context - lookback : context]
        missing = np.isnan(lookback_scaled)

        exog = self.exog[rows[:, None], future_grid]  # [B, S, E]
        known = ~np.isnan(exog)
        if rng is not None and exog.shape[-1]:
            known &= ~(rng.random(len(rows)) < cfg.exog_dropout)[:, None, None]
        series = self.series_index[rows].astype(np.int64)
        if rng is not None:
            series = np.where(rng.random(len(rows)) < cfg.embedding_dropout, 0, series)

        future = np.concatenate(
            [
                self._step_features(past_scaled, missing, origins, steps),
                self._year_ago_features(rows, origins, steps),
                self.calendar[future_grid],
                np.where(known, exog, 0.0),
                known,
            ],
            axis=-1,
        )
        past_grid = past_grid[:, context - lookback :]
        past = np.concatenate(
            [
                np.nan_to_num(lookback_scaled)[..., None],
                missing[..., None],
                self.calendar[past_grid],
                np.nan_to_num(self.exog[rows[:, None], past_grid]),
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

    def _year_ago_features(
        self, rows: np.ndarray, origins: np.ndarray, steps: np.ndarray
    ) -> np.ndarray:
        factor = self._year_ago_factor(rows, origins, steps)
        known = np.isfinite(factor)
        return np.stack([np.where(known, factor, 1.0), known], axis=-1)

    def _step_features(
        self, past: np.ndarray, missing: np.ndarray, origins: np.ndarray, steps: np.ndarray
    ) -> np.ndarray:
        """``[B, S, len(STEP_FEATURES)]`` from the scaled context (NaN sentinel at the end)."""
        context = self.config.context
        weeks = past[:, self._week_positions[steps]]  # [B, S, W]
        anchor, observed = nanmean(weeks, axis=2)
        recent, _ = nanmean(past[:, self._day_positions[steps]], axis=2)
        long_mean, _ = nanmean(past[:, self._long_positions[steps]], axis=2)
        smooth, _ = nanmean(past[:, self._smooth_positions[steps]], axis=2)
        pooled, hour_level, weekday_level = self._pooled(past[:, :context], steps)
        level_week, _ = nanmean(past[:, -1 - HOURS_PER_WEEK : -1], axis=1)
        level_day, _ = nanmean(past[:, -1 - 24 : -1], axis=1)
        fallback, _ = nanmean(past, axis=1)
        # No same-hour value in 4 weeks (outage, new store): fall back to recent days, then to
        # the window's mean level.
        anchor = np.where(np.isnan(anchor), recent, anchor)
        anchor = np.where(np.isnan(anchor), np.nan_to_num(fallback)[:, None], anchor)
        median = _nanmedian_last(weeks, observed)
        spread = np.sqrt(nanmean((weeks - anchor[..., None]) ** 2, axis=2)[0])
        holidays = self.calendar[:, HOLIDAY_FEATURE]
        anchor_holidays = holidays[origins[:, None, None] - context + self._week_positions[steps]]
        shape = anchor.shape

        def or_anchor(values: np.ndarray) -> np.ndarray:
            return np.where(np.isnan(values), anchor, values)

        def per_window(values: np.ndarray, default: float = 1.0) -> np.ndarray:
            return np.broadcast_to(np.nan_to_num(values, nan=default)[:, None], shape)

        # 0 only for an hour with no traffic in any recent estimate: a closed hour.
        activity = np.maximum.reduce(
            [anchor, *(np.nan_to_num(v) for v in (long_mean, smooth, pooled, recent))]
        )
        columns = [
            anchor,
            activity,
            *or_anchor(weeks.transpose(2, 0, 1)),  # one column per week
            or_anchor(median),
            or_anchor(long_mean),
            or_anchor(smooth),
            or_anchor(pooled),
            np.nan_to_num(hour_level, nan=1.0),
            np.nan_to_num(weekday_level, nan=1.0),
            np.nan_to_num(spread),
            observed / ANCHOR_WEEKS,
            or_anchor(recent),
            np.broadcast_to(self._lead[steps], shape),
            anchor_holidays.mean(axis=2),
            anchor_holidays[..., 0],
            per_window(level_week),
            per_window(level_day),
            per_window(missing.mean(axis=1), default=0.0),
        ]
        return np.stack(columns, axis=-1)
