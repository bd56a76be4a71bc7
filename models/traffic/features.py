"""Calendar and exogenous features on an hourly timeline (pure: timestamps in, arrays out)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from pipelines.errors import NightshiftError
from pipelines.reference.calendar import build_calendar

# Column names recognised as exogenous drivers: promotions and weather. Observed values are
# read in the lookback; forecasts for the horizon come through ``future_exog``.
KNOWN_EXOG_COLUMNS = (
    "promotion",
    "promo",
    "is_promo",
    "discount",
    "discount_depth",
    "temperature",
    "temperature_c",
    "temp",
    "precipitation",
    "precipitation_mm",
    "precip",
    "rain",
)

HOUR_HARMONICS = 3
CALENDAR_FEATURES = (
    *(f"hour_{fn}{k}" for k in range(1, HOUR_HARMONICS + 1) for fn in ("sin", "cos")),
    *(f"weekday_{d}" for d in range(1, 8)),
    "is_holiday",
    "is_long_weekend",
    "is_payday",
    "holiday_yesterday",
    "holiday_tomorrow",
)
HOLIDAY_FEATURE = CALENDAR_FEATURES.index("is_holiday")


def detect_exog_columns(columns: pd.Index | list[str]) -> tuple[str, ...]:
    """The known exogenous names present, in a stable order."""
    present = set(columns)
    return tuple(name for name in KNOWN_EXOG_COLUMNS if name in present)


def calendar_features(timestamps: pd.DatetimeIndex, country: str) -> np.ndarray:
    """``[len(timestamps), len(CALENDAR_FEATURES)]`` float32 features of each hour."""
    if len(timestamps) == 0:
        return np.zeros((0, len(CALENDAR_FEATURES)), dtype=np.float32)
    first, last = timestamps.min().date(), timestamps.max().date()
    try:
        days = build_calendar(first - timedelta(days=1), last + timedelta(days=1), country)
    except NotImplementedError:
        raise NightshiftError(
            f"no public-holiday calendar for country {country!r}: use an ISO code such as PE"
        ) from None
    by_day = pd.DataFrame(
        {
            "is_holiday": [d.is_holiday for d in days],
            "is_long_weekend": [d.is_long_weekend for d in days],
            "is_payday": [d.is_payday for d in days],
        },
        index=pd.DatetimeIndex([pd.Timestamp(d.date) for d in days]),
        dtype=np.float32,
    )
    by_day["holiday_yesterday"] = by_day["is_holiday"].shift(1, fill_value=0.0)
    by_day["holiday_tomorrow"] = by_day["is_holiday"].shift(-1, fill_value=0.0)
    daily = by_day.reindex(timestamps.normalize()).to_numpy(dtype=np.float32)

    hour = timestamps.hour.to_numpy(dtype=np.float32)
    angle = 2 * np.pi * hour / 24
    harmonics = [f(k * angle) for k in range(1, HOUR_HARMONICS + 1) for f in (np.sin, np.cos)]
    weekday = np.eye(7, dtype=np.float32)[timestamps.day_of_week.to_numpy()]
    features = np.column_stack([*harmonics, weekday, daily]).astype(np.float32)
    assert features.shape[1] == len(CALENDAR_FEATURES)
    return features
