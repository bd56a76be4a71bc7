"""Why the traffic network expects a day to be busier or quieter than usual: integrated
gradients (captum) from "a normal <weekday>" to the day's real inputs, pure (no database).

For every store and each of the first ``days`` forecast days, the attributed output is the day's
visitors (the sum of its hourly P50). The baseline is the same input with the unusual parts made
usual: no holiday, long weekend or payday (and no holiday the day before or after), no planned
promotion, average temperature and no rain, no year-ago seasonality and no holiday in the weeks
the seasonal anchor averages, and the last two weeks at the level of the last four. Everything
else (the store's weekly pattern, its size, the hour) is left as it is, so the baseline's output
is "a normal Friday" for that store and the attributions say what makes this Friday different.

Integrated gradients (Gauss-Legendre, fixed steps, fixed baseline) is deterministic on the CPU.
The path integral is approximate: what it leaves unexplained is reported as driver "other", so
``usual + sum(contributions) == forecast`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from models.common.torch_device import cpu_threads
from models.traffic.features import CALENDAR_FEATURES
from models.traffic.forecast import TrafficForecaster
from models.traffic.windows import STEP_FEATURES, Batch

HOURS_PER_DAY = 24
PROMOTION_EXOG = ("promotion", "promo", "is_promo", "discount", "discount_depth")
TEMPERATURE_EXOG = ("temperature", "temperature_c", "temp")
RAIN_EXOG = ("precipitation", "precipitation_mm", "precip", "rain")
# Driver -> its group; the order is the order of the table's rows.
DRIVERS = {
    "recent_level": "recent_level",
    "season": "calendar",
    "reference_weeks": "calendar",
    "holiday": "events",
    "holiday_eve": "events",
    "after_holiday": "events",
    "long_weekend": "events",
    "payday": "events",
    "promotion": "promotion",
    "temperature": "weather",
    "rain": "weather",
    "other": "other",
}
_CALENDAR_DRIVERS = {
    "is_holiday": "holiday",
    "holiday_tomorrow": "holiday_eve",
    "holiday_yesterday": "after_holiday",
    "is_long_weekend": "long_weekend",
    "is_payday": "payday",
}
_LEVEL_STEPS = ("level_last_week", "level_last_day", "recent_days")
_COLUMNS = [
    "location_id",
    "date",
    "driver",
    "group",
    "contribution",
    "usual",
    "forecast",
    "history_share",
]


@dataclass(frozen=True)
class DayAttribution:
    """Long table (one row per store, day and driver): location_id, date, driver, group,
    contribution (visitors), usual (visitors of the baseline day), forecast (visitors) and the
    store's history_share (share of the lookback's hours with a known count)."""

    table: pd.DataFrame
    # Largest |forecast - usual - IG sum| relative to |forecast - usual| (the "other" share).
    max_residual_share: float


def _baseline(
    batch: Batch, forecaster: TrafficForecaster
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """(past baseline, future baseline, driver -> (past mask, future mask))."""
    past, future = batch.past.copy(), batch.future.copy()
    steps, calendar = len(STEP_FEATURES), len(CALENDAR_FEATURES)
    exog = list(forecaster.exog_columns)
    width = len(exog)
    masks: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def mark(driver: str, past_cols: list[int], future_cols: list[int]) -> None:
        p = np.zeros(past.shape[1:], dtype=bool)
        f = np.zeros(future.shape[1:], dtype=bool)
        p[:, past_cols] = True
        f[:, future_cols] = True
        old_p, old_f = masks.get(driver, (np.zeros_like(p), np.zeros_like(f)))
        masks[driver] = (old_p | p, old_f | f)

    # The last two weeks at the level of the last four (the window's scale is that level).
    lookback = batch.past[..., 0]
    observed = batch.past[..., 1] < 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(observed, lookback, 0).sum(1) / np.maximum(observed.sum(1), 1)
    ratio = np.where(np.isfinite(ratio) & (ratio > 0), ratio, 1.0)
    past[..., 0] = lookback / ratio[:, None]
    level_cols = [STEP_FEATURES.index(name) for name in _LEVEL_STEPS]
    future[..., level_cols] = batch.future[..., level_cols] / ratio[:, None, None]
    mark("recent_level", [0], level_cols)
    # No year-ago seasonality, no holiday in the weeks behind the seasonal anchor.
    season = STEP_FEATURES.index("year_ago_factor")
    future[..., season] = 1.0
    mark("season", [], [season])
    reference = [STEP_FEATURES.index(n) for n in ("anchor_holiday_share", "last_week_holiday")]
    future[..., reference] = 0.0
    mark("reference_weeks", [], reference)
    for feature, driver in _CALENDAR_DRIVERS.items():
        column = steps + CALENDAR_FEATURES.index(feature)
        future[..., column] = 0.0
        mark(driver, [], [column])
    # Exogenous values are standardised; where unknown they are already 0 (and stay 0).
    first_exog = steps + calendar
    known = batch.future[..., first_exog + width : first_exog + 2 * width] > 0.5
    for k, name in enumerate(exog):
        column = first_exog + k
        if name in PROMOTION_EXOG or name in RAIN_EXOG:
            usual = (0.0 - forecaster.exog_mean[k]) / forecaster.exog_std[k]  # none / dry
        else:
            usual = 0.0  # the average temperature
        future[..., column] = np.where(known[..., k], usual, 0.0)
        driver = (
            "promotion"
            if name in PROMOTION_EXOG
            else "rain"
            if name in RAIN_EXOG
            else "temperature"
        )
        mark(driver, [], [column])
    return past.astype(np.float32), future.astype(np.float32), masks


def attribute_days(
    forecaster: TrafficForecaster,
    history: pd.DataFrame,
    future_exog: pd.DataFrame | None = None,
    origin: pd.Timestamp | str | None = None,
    days: int = 7,
    n_steps: int = 16,
) -> DayAttribution:
    """Attributions of each store's daily visitors for the first ``days`` days from ``origin``
    (same inputs as ``forecaster.predict``)."""
    from captum.attr import IntegratedGradients

    network = forecaster.require_network()
    batch, locations, start = forecaster.forecast_batch(history, future_exog, origin)
    horizon = batch.future.shape[1]
    days = max(0, min(days, horizon // HOURS_PER_DAY))
    past_b, future_b, masks = _baseline(batch, forecaster)
    stores = len(locations)
    if stores == 0 or days == 0:
        return DayAttribution(pd.DataFrame(columns=_COLUMNS), 0.0)
    # One sample per (store, day): the day is an extra input the forward picks its hours by.
    repeat = np.repeat(np.arange(stores), days)
    day = np.tile(np.arange(days), stores)
    hour_day = torch.arange(horizon) // HOURS_PER_DAY

    def daily_visitors(
        past: torch.Tensor, future: torch.Tensor, series: torch.Tensor, scale: torch.Tensor,
        which: torch.Tensor,
    ) -> torch.Tensor:  # fmt: skip
        p50 = network(past, future, series)[..., 1].clamp(min=0.0) * scale[:, None]
        return (p50 * (hour_day[None, :] == which[:, None])).sum(dim=1)

    inputs = (torch.from_numpy(batch.past[repeat]), torch.from_numpy(batch.future[repeat]))
    baselines = (torch.from_numpy(past_b[repeat]), torch.from_numpy(future_b[repeat]))
    extra = (
        torch.from_numpy(batch.series[repeat]),
        torch.from_numpy(batch.scale[repeat]),
        torch.from_numpy(day),
    )
    network.to("cpu").eval()
    with cpu_threads(forecaster.config.cpu_threads):
        with torch.no_grad():
            forecast = daily_visitors(*inputs, *extra).numpy().astype(float)
            usual = daily_visitors(*baselines, *extra).numpy().astype(float)
        gradients = IntegratedGradients(daily_visitors)
        past_attr, future_attr = gradients.attribute(
            inputs, baselines=baselines, additional_forward_args=extra, n_steps=n_steps,
            method="gausslegendre", internal_batch_size=len(repeat) * min(n_steps, 4),
        )  # fmt: skip
    past_np = past_attr.detach().numpy().astype(float)
    future_np = future_attr.detach().numpy().astype(float)
    contributions = {
        driver: (past_np * p).sum(axis=(1, 2)) + (future_np * f).sum(axis=(1, 2))
        for driver, (p, f) in masks.items()
    }
    explained = sum(contributions.values(), np.zeros(len(repeat)))
    contributions["other"] = forecast - usual - explained
    gap = np.abs(forecast - usual)
    residual = np.abs(contributions["other"]) / np.maximum(gap, 1e-9)
    # Share of the lookback's hours with a known count: little of it, little to compare with.
    history_share = 1.0 - batch.past[..., 1].astype(float).mean(axis=1)
    dates = (pd.Timestamp(start).normalize() + pd.to_timedelta(day, unit="D")).to_numpy()
    frames = [
        pd.DataFrame(
            {
                "location_id": np.asarray(locations, dtype=object)[repeat],
                "date": dates,
                "driver": driver,
                "group": group,
                "contribution": contributions.get(driver, np.zeros(len(repeat))),
                "usual": usual,
                "forecast": forecast,
                "history_share": history_share[repeat],
            }
        )
        for driver, group in DRIVERS.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    order = {driver: i for i, driver in enumerate(DRIVERS)}
    table = table.sort_values(
        ["location_id", "date", "driver"], key=lambda s: s.map(order) if s.name == "driver" else s,
        kind="stable",
    ).reset_index(drop=True)  # fmt: skip
    return DayAttribution(table, float(residual[gap > 1.0].max()) if (gap > 1.0).any() else 0.0)
