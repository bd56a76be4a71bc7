"""Small worlds with planted drivers on known days, for the explanation tests.

Business date 2024-10-28 (a Monday): the forecasts start on Tuesday 29 October. In the forecast
window, Wednesday 30 October has heavy rain, Thursday 31 October is payday (the last day of the
month) and Friday 1 November is a Peruvian public holiday (All Saints' Day). The histories hold
the same effects on their own days (Peru's 2024 holidays, every payday, random rainy days), so
the models can learn them: a holiday doubles the day, payday adds 30%, heavy rain takes 45% off,
a promotion lifts its category by 3 x its discount.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd

from models.sales.frame import SalesInputs

BUSINESS_DATE = date(2024, 10, 28)
RAIN = date(2024, 10, 30)
PAYDAY = date(2024, 10, 31)
HOLIDAY = date(2024, 11, 1)
FIRST_DAY = date(2024, 1, 1)
HORIZON_DAYS = 14

HOLIDAY_EFFECT = 2.0
PAYDAY_EFFECT = 1.3
RAIN_EFFECT = 0.55
HEAVY_RAIN_MM = 30.0
PROMO_LIFT_PER_DISCOUNT = 3.0
WEEKDAY = np.array([0.9, 0.95, 1.0, 1.0, 1.15, 1.3, 1.0])  # Monday..Sunday
CATEGORIES = {"abarrotes": 1.0, "bebidas": 0.7, "snacks": 0.4, "limpieza": 0.25}
PLANTED_DAYS = (RAIN, PAYDAY, HOLIDAY)


def _days(last: date) -> pd.DatetimeIndex:
    return pd.date_range(FIRST_DAY, last, freq="D")


def _flags(days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    peru = holidays.country_holidays("PE", years=range(days[0].year, days[-1].year + 1))
    holiday = np.array([d.date() in peru for d in days])
    payday = np.asarray((days.day == 15) | (days.day == days.days_in_month))
    return holiday, payday


def _daily_rain(days: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Millimetres per day: dry, except ~8% of days with heavy rain; the planted days fixed."""
    rain = np.where(rng.random(len(days)) < 0.08, rng.uniform(20, 40, len(days)), 0.0)
    planted = {d: (HEAVY_RAIN_MM if d == RAIN else 0.0) for d in PLANTED_DAYS}
    for i, day in enumerate(days.date):
        if day in planted:
            rain[i] = planted[day]
    return rain


def planted_sales(stores: int = 3, seed: int = 0) -> SalesInputs:
    """Daily sales per store and category up to BUSINESS_DATE; promotions and weather (per
    store, observed then forecast) up to the end of the 14-day window. No promotion runs on
    the planted days, so each of them has a single cause."""
    rng = np.random.default_rng(seed)
    days = _days(BUSINESS_DATE + timedelta(days=HORIZON_DAYS))
    holiday, payday = _flags(days)
    rain = _daily_rain(days, rng)
    known = days <= pd.Timestamp(BUSINESS_DATE)
    quiet = np.isin(days.date, PLANTED_DAYS)
    sales, promotions, weather = [], [], []
    for s in range(stores):
        store_id = f"P{s + 1:02d}"
        size = 1500.0 * (1 + s)
        weather.append(
            pd.DataFrame(
                {
                    "store_id": store_id,
                    "date": days,
                    "temp_mean": 20 + rng.normal(0, 1.5, len(days)),
                    "precip_sum": rain,
                }
            )
        )
        for category, weight in CATEGORIES.items():
            promoted = (rng.random(len(days)) < 0.06) & ~quiet
            discount = np.where(promoted, rng.choice([10, 20, 30], len(days)), 0)
            mean = (
                size
                * weight
                * WEEKDAY[days.dayofweek]
                * np.where(holiday, HOLIDAY_EFFECT, 1.0)
                * np.where(payday, PAYDAY_EFFECT, 1.0)
                * np.where(rain >= 15, RAIN_EFFECT, 1.0)
                * (1 + PROMO_LIFT_PER_DISCOUNT * discount / 100)
            )
            values = np.round(mean * rng.lognormal(0, 0.05, len(days)), 2)
            sales.append(
                pd.DataFrame(
                    {
                        "store_id": store_id,
                        "category": category,
                        "date": days[known],
                        "sales": values[known],
                    }
                )
            )
            promotions.append(
                pd.DataFrame(
                    {
                        "store_id": store_id,
                        "date": days[promoted],
                        "category": category,
                        "discount_pct": discount[promoted],
                    }
                )
            )
    return SalesInputs(
        sales=pd.concat(sales, ignore_index=True),
        promotions=pd.concat(promotions, ignore_index=True),
        weather=pd.concat(weather, ignore_index=True),
    )


TRAFFIC_ORIGIN = pd.Timestamp(BUSINESS_DATE + timedelta(days=1))  # midnight after the night
TRAFFIC_FIRST_DAY = date(2024, 3, 1)


def planted_traffic(stores: int = 3, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(history before TRAFFIC_ORIGIN, the next 7 days' inputs): hourly door counts with
    ``precipitation`` (mm per hour) and ``temperature``; the future table carries the weather
    forecast, heavy rain on RAIN."""
    rng = np.random.default_rng(seed)
    end = TRAFFIC_ORIGIN + pd.Timedelta(days=7)
    hours = pd.date_range(pd.Timestamp(TRAFFIC_FIRST_DAY), end, freq="h", inclusive="left")
    days = hours.normalize()
    unique_days = pd.DatetimeIndex(days.unique())
    holiday_by_day, payday_by_day = _flags(unique_days)
    rain_by_day = _daily_rain(unique_days, rng)
    index = unique_days.get_indexer(days)
    holiday, payday, rain = holiday_by_day[index], payday_by_day[index], rain_by_day[index]
    hour = hours.hour.to_numpy() + 0.5
    shape = np.exp(-((hour - 13) ** 2) / 6) + 0.8 * np.exp(-((hour - 19) ** 2) / 4)
    open_hours = (hours.hour >= 9) & (hours.hour < 22)
    frames = []
    for s in range(stores):
        level = 40.0 * (1 + 2 * s)
        mean = (
            level
            * shape
            * open_hours
            * WEEKDAY[hours.dayofweek]
            * np.where(holiday, HOLIDAY_EFFECT, 1.0)
            * np.where(payday, PAYDAY_EFFECT, 1.0)
            * np.where(rain >= 15, RAIN_EFFECT, 1.0)
        )
        frames.append(
            pd.DataFrame(
                {
                    "location_id": f"P{s + 1:02d}",
                    "ts": hours,
                    "count": rng.poisson(mean).astype(float),
                    "precipitation": rain / 13.0 * open_hours,  # the day's rain over open hours
                    "temperature": 20 + rng.normal(0, 1.0, len(hours)),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    history = table[table["ts"] < TRAFFIC_ORIGIN].reset_index(drop=True)
    future = table[table["ts"] >= TRAFFIC_ORIGIN].drop(columns="count").reset_index(drop=True)
    return history, future
