"""Realistic synthetic hourly foot traffic for tests and benchmarks.

Stores of different kinds and sizes (3 to 3,000 people an hour), with opening hours, daily and
weekly shapes, a December peak, trends and level shifts, Peru holidays (busy for malls and
restaurants, quiet for office districts), yearly events that are not holidays (Christmas
shopping, Mother's Day), paydays, city-wide daily shocks, overdispersed count noise, and
outages (missing hours, dropped rows, stuck-at-zero sensors).

Write a table for the backtest CLI:
``python -m tests.traffic.synthetic --series 20 --days 730 --output /tmp/traffic.csv``
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import holidays
import numpy as np
import pandas as pd

KINDS = ("retail", "restaurant", "mall", "office")
# Opening hour, closing hour, busy hours (centre, width, weight) of each kind.
_SHAPES = {
    "retail": (9, 22, [(12, 2.0, 0.6), (18, 2.5, 1.0)]),
    "restaurant": (11, 23, [(13, 1.2, 1.0), (20, 1.5, 0.9)]),
    "mall": (10, 22, [(15, 3.0, 1.0), (19, 2.0, 0.8)]),
    "office": (7, 20, [(8, 1.0, 0.9), (13, 1.0, 1.0), (18, 1.0, 0.7)]),
}
# Monday..Sunday multipliers of each kind.
_WEEKLY = {
    "retail": [0.9, 0.9, 0.95, 1.0, 1.2, 1.4, 0.9],
    "restaurant": [0.8, 0.85, 0.9, 1.0, 1.3, 1.5, 1.2],
    "mall": [0.8, 0.8, 0.85, 0.9, 1.1, 1.6, 1.5],
    "office": [1.1, 1.1, 1.1, 1.05, 1.0, 0.35, 0.15],
}
_HOLIDAY_EFFECT = {"retail": 0.8, "restaurant": 1.5, "mall": 1.6, "office": 0.25}
# Yearly events that are not public holidays: Christmas shopping (Dec 15-24) and Mother's Day
# (second Sunday of May, Peru's busiest day for restaurants).
_CHRISTMAS_SHOPPING = {"retail": 1.4, "restaurant": 1.1, "mall": 1.5, "office": 1.0}
_MOTHERS_DAY = {"retail": 1.2, "restaurant": 1.9, "mall": 1.4, "office": 1.0}


@dataclass(frozen=True)
class Store:
    location_id: str
    kind: str
    level: float
    trend: float
    shift_day: int | None
    shift_factor: float


def _daily_profile(kind: str, jitter: np.ndarray) -> np.ndarray:
    opens, closes, bumps = _SHAPES[kind]
    hours = np.arange(24) + 0.5
    shifts = jitter[: len(bumps)]
    shape = sum(
        w * np.exp(-0.5 * ((hours - c - j) / s) ** 2)
        for (c, s, w), j in zip(bumps, shifts, strict=True)
    )
    shape = 0.15 + np.asarray(shape)
    shape[(hours < opens) | (hours > closes)] = 0.0
    return shape / shape.mean()


def synthetic_traffic(
    series: int = 20,
    days: int = 730,
    start: str = "2023-01-02",
    seed: int = 0,
    outages: bool = True,
    exog: bool = False,
    expected: bool = False,
) -> pd.DataFrame:
    """One row per (location_id, hour) with ``count`` (NaN during outages; some hours absent).
    With ``exog``, adds ``promotion``, ``temperature`` and ``precipitation`` that move traffic;
    with ``expected``, the mean the counts were drawn around (an unbeatable oracle)."""
    rng = np.random.default_rng(seed)
    ts = pd.date_range(start, periods=days * 24, freq="h")
    day_index = np.arange(len(ts)) // 24
    dates = ts.normalize()
    peru = holidays.country_holidays("PE", years=range(ts[0].year, ts[-1].year + 2))
    day_dates = dates[::24]
    is_holiday = np.array([d.date() in peru for d in day_dates])
    before_holiday = np.roll(is_holiday, -1)
    month_end = (day_dates + pd.offsets.MonthEnd(0)).day
    payday = np.asarray((day_dates.day == 15) | (day_dates.day == month_end))
    month, day = day_dates.month.to_numpy(), day_dates.day.to_numpy()
    christmas_shopping = (month == 12) & (day >= 15) & (day <= 24)
    mothers_day = (month == 5) & (day_dates.day_of_week.to_numpy() == 6) & (day >= 8) & (day <= 14)
    season = 1 + 0.15 * np.cos(2 * np.pi * (day_dates.day_of_year.to_numpy() - 355) / 365.25)
    city_shock = np.exp(rng.normal(0, 0.08, days))

    temperature = 19 + 5 * np.cos(2 * np.pi * (ts.day_of_year.to_numpy() - 40) / 365.25)
    temperature = (
        temperature
        + 4 * np.sin(2 * np.pi * (ts.hour.to_numpy() - 9) / 24)
        + rng.normal(0, 1, len(ts))
    )
    rainy_day = rng.random(days) < 0.12
    precipitation = np.where(
        rainy_day[day_index] & (rng.random(len(ts)) < 0.4), rng.gamma(1.5, 1.5, len(ts)), 0.0
    )

    frames = []
    for s in range(series):
        kind = KINDS[s % len(KINDS)]
        store = Store(
            location_id=f"L{s:03d}",
            kind=kind,
            level=float(np.exp(rng.uniform(np.log(3), np.log(3000)))),
            trend=float(rng.uniform(-0.15, 0.25)),
            shift_day=int(rng.integers(days // 4, days)) if rng.random() < 0.5 else None,
            shift_factor=float(rng.uniform(0.7, 1.3)),
        )
        profile = _daily_profile(kind, rng.normal(0, 0.5, 3))
        weekly = np.array(_WEEKLY[kind]) * rng.uniform(0.9, 1.1, 7)
        day_factor = (
            weekly[day_dates.day_of_week.to_numpy()]
            * season
            * (1 + store.trend * np.arange(days) / 365)
            * np.where(is_holiday, _HOLIDAY_EFFECT[kind], 1.0)
            * np.where(before_holiday & ~is_holiday, 1.1, 1.0)
            * np.where(christmas_shopping, _CHRISTMAS_SHOPPING[kind], 1.0)
            * np.where(mothers_day, _MOTHERS_DAY[kind], 1.0)
            * np.where(payday, 1.08, 1.0)
            * city_shock
            * np.exp(rng.normal(0, 0.05, days))
        )
        if store.shift_day is not None:
            day_factor[store.shift_day :] *= store.shift_factor
        mean = store.level * profile[ts.hour.to_numpy()] * day_factor[day_index]
        promotion = np.zeros(len(ts))
        if exog:
            promo_days = rng.random(days) < 0.06
            promotion = promo_days[day_index].astype(float)
            mean = mean * (1 + 0.35 * promotion) * np.exp(-0.08 * precipitation)
        # Gamma-Poisson: counts more variable than Poisson, as real door counters are.
        counts = rng.poisson(rng.gamma(25.0, mean / 25.0)).astype(float)
        keep = np.ones(len(ts), dtype=bool)
        if outages:
            for _ in range(rng.integers(1, 5)):  # sensor down: hours to days unknown
                begin = int(rng.integers(0, len(ts)))
                counts[begin : begin + int(rng.integers(2, 72))] = np.nan
            if rng.random() < 0.3:  # stuck at zero for a while
                begin = int(rng.integers(0, len(ts)))
                counts[begin : begin + int(rng.integers(6, 48))] = 0.0
            counts[rng.random(len(ts)) < 0.003] = np.nan
            keep = rng.random(len(ts)) > 0.003  # rows that never arrived
        frame = pd.DataFrame({"location_id": store.location_id, "ts": ts, "count": counts})
        if expected:
            frame["expected"] = mean
        if exog:
            frame["promotion"] = promotion
            frame["temperature"] = np.round(temperature, 1)
            frame["precipitation"] = np.round(precipitation, 2)
        frames.append(frame[keep])
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=20)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exog", action="store_true")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    table = synthetic_traffic(args.series, args.days, seed=args.seed, exog=args.exog)
    if args.output.endswith(".parquet"):
        table.to_parquet(args.output, index=False)
    else:
        table.to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
