"""Direct multi-horizon feature rows: one per (origin T, series, target day T+h).

Everything read from sales is at day T or before; only facts known ahead of time (calendar,
planned promotions, weather and traffic forecasts) are read on the target day itself. Sales
lags are expressed relative to the series' level at T (its ``baseline``), so one forest serves
stores and categories of very different sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.common.arrays import nanmean
from models.sales.calendar import CALENDAR_COLUMNS
from models.sales.frame import DailyPanel
from models.sales.promotions import PROMOTION_COLUMNS, promotion_features
from models.sales.windows import gather, trailing_mean

DAYS_PER_WEEK = 7
SAME_WEEKDAY_WEEKS = 4
# Ratios to the level are computed against at least this many PEN, so a category that sold
# next to nothing lately does not produce ratios in the thousands.
MIN_LEVEL = 1.0
MAX_DAYS_OPEN = 365  # beyond a year, a store's age says nothing more about its ramp-up

SALES_COLUMNS = (
    "horizon",
    "log_baseline",
    "category_share",
    "same_weekday_last",
    "same_weekday_mean_4w",
    "store_same_weekday_mean_4w",
    "rolling_7d",
    "last_day",
    "trend_28d",
    "store_trend_7d",
    "promo_on_same_weekday_last",
    "holiday_on_same_weekday_last",
    "promo_share_28d",
    "days_open",
)
WEATHER_COLUMNS = ("temp_mean", "precip_sum")
TRAFFIC_COLUMNS = ("traffic_ratio",)


@dataclass(frozen=True)
class FeatureRows:
    """Model inputs plus what is needed to turn a predicted ratio into PEN and to score it."""

    keys: pd.DataFrame  # series, store, store_id, category, origin, date, horizon
    features: pd.DataFrame
    baseline: np.ndarray  # the series' mean daily sales over the baseline window at T
    seasonal_naive: np.ndarray  # same weekday of the last observed week at T
    actual: np.ndarray  # sales on the target day; NaN where not (yet) known

    def subset(self, rows: np.ndarray) -> FeatureRows:
        """The rows picked by a boolean mask or by positions (repeats allowed)."""
        return FeatureRows(
            keys=self.keys.iloc[rows].reset_index(drop=True),
            features=self.features.iloc[rows].reset_index(drop=True),
            baseline=self.baseline[rows],
            seasonal_naive=self.seasonal_naive[rows],
            actual=self.actual[rows],
        )


def feature_columns(panel: DailyPanel, use_weather: bool, use_traffic: bool) -> tuple[str, ...]:
    """The columns a model fitted on ``panel`` reads (encodings come last, added by the model)."""
    columns = [*SALES_COLUMNS, *CALENDAR_COLUMNS, *PROMOTION_COLUMNS]
    if use_weather and panel.temp_mean is not None:
        columns += WEATHER_COLUMNS
    if use_traffic and panel.traffic is not None:
        columns += TRAFFIC_COLUMNS
    return tuple(columns)


def store_totals(panel: DailyPanel) -> np.ndarray:
    """(stores, days) total sales, NaN outside each store's open history."""
    totals = np.zeros((len(panel.stores), panel.days))
    np.add.at(totals, panel.series_store, np.nan_to_num(panel.sales))
    grid = np.arange(panel.days)
    inside = (grid[None, :] >= panel.store_first[:, None]) & (grid <= panel.history_end)[None, :]
    return np.where(inside, totals, np.nan)


def build_rows(
    panel: DailyPanel, origins: np.ndarray, horizon: int, baseline_days: int, min_history: int
) -> FeatureRows:
    """Rows for every origin (day index), series and h = 1..horizon whose target day is on the
    grid and whose store had been open ``min_history`` days at the origin."""
    n_series = len(panel.categories)
    t, series, h = (
        a.ravel()
        for a in np.meshgrid(
            np.asarray(origins, dtype=np.int64),
            np.arange(n_series),
            np.arange(1, horizon + 1),
            indexing="ij",
        )
    )
    store = panel.series_store[series]
    days_open = t - panel.store_first[store] + 1
    keep = (days_open >= max(min_history, 1)) & (t + h < panel.days) & (t <= panel.history_end)
    t, series, h, store, days_open = t[keep], series[keep], h[keep], store[keep], days_open[keep]
    target = t + h

    sales, totals = panel.sales, store_totals(panel)
    baseline = trailing_mean(sales, series, t, baseline_days, min_count=DAYS_PER_WEEK)
    level = np.maximum(np.nan_to_num(baseline, nan=MIN_LEVEL), MIN_LEVEL)
    store_baseline = trailing_mean(totals, store, t, baseline_days, min_count=DAYS_PER_WEEK)
    store_level = np.maximum(np.nan_to_num(store_baseline, nan=MIN_LEVEL), MIN_LEVEL)
    earlier = trailing_mean(sales, series, t - baseline_days, baseline_days, DAYS_PER_WEEK)

    # The same weekday as the target in the last observed week (1..7 days back from T).
    lag = target - DAYS_PER_WEEK * np.ceil(h / DAYS_PER_WEEK).astype(np.int64)
    weeks = [lag - DAYS_PER_WEEK * k for k in range(SAME_WEEKDAY_WEEKS)]
    same_weekday = np.stack([gather(sales, series, day) for day in weeks])
    store_same_weekday = np.stack([gather(totals, store, day) for day in weeks])
    seasonal_naive = same_weekday[0]

    with np.errstate(invalid="ignore", divide="ignore"):
        columns: dict[str, np.ndarray] = {
            "horizon": h.astype(float),
            "log_baseline": np.log1p(np.maximum(baseline, 0.0)),
            "category_share": baseline / store_level,
            "same_weekday_last": seasonal_naive / level,
            "same_weekday_mean_4w": nanmean(same_weekday, axis=0)[0] / level,
            "store_same_weekday_mean_4w": nanmean(store_same_weekday, axis=0)[0] / store_level,
            "rolling_7d": trailing_mean(sales, series, t, DAYS_PER_WEEK, 1) / level,
            "last_day": gather(sales, series, t) / level,
            "trend_28d": baseline / np.maximum(earlier, MIN_LEVEL),
            "store_trend_7d": trailing_mean(totals, store, t, DAYS_PER_WEEK, 1) / store_level,
            "promo_on_same_weekday_last": gather(panel.discount, series, lag),
            "holiday_on_same_weekday_last": panel.calendar["is_holiday"].to_numpy()[
                np.maximum(lag, 0)
            ],
            "promo_share_28d": trailing_mean(
                (panel.discount > 0).astype(float), series, t, baseline_days, 1
            ),
            "days_open": np.minimum(days_open, MAX_DAYS_OPEN).astype(float),
        }
    calendar = panel.calendar.iloc[target].reset_index(drop=True)
    for name in CALENDAR_COLUMNS:
        columns[name] = calendar[name].to_numpy(dtype=float)
    columns.update(
        promotion_features(
            panel.discount, panel.series_store, len(panel.stores), series, store, target
        )
    )
    if panel.temp_mean is not None and panel.precip_sum is not None:
        columns["temp_mean"] = gather(panel.temp_mean, store, target)
        columns["precip_sum"] = gather(panel.precip_sum, store, target)
    if panel.traffic is not None:
        usual = trailing_mean(panel.traffic, store, t, baseline_days, min_count=DAYS_PER_WEEK)
        with np.errstate(invalid="ignore", divide="ignore"):
            columns["traffic_ratio"] = gather(panel.traffic, store, target) / usual

    keys = pd.DataFrame(
        {
            "series": series,
            "store": store,
            "store_id": np.asarray(panel.stores, dtype=object)[store],
            "category": np.asarray(panel.categories, dtype=object)[series],
            "origin": panel.day_at(t),
            "date": panel.day_at(target),
            "horizon": h,
        }
    )
    return FeatureRows(
        keys=keys,
        features=pd.DataFrame(columns),
        baseline=baseline,
        seasonal_naive=seasonal_naive,
        actual=gather(sales, series, np.where(target <= panel.history_end, target, -1)),
    )


def fill_missing_baseline(rows: FeatureRows) -> np.ndarray:
    """The level to scale predictions with: the series' own, else the median of its category at
    the same origin (a store's first days, a category new to a store), else of all series."""
    frame = rows.keys[["origin", "category"]].assign(level=rows.baseline)
    by_category = frame.groupby(["origin", "category"])["level"].transform("median")
    by_origin = frame.groupby("origin")["level"].transform("median")
    level = frame["level"].fillna(by_category).fillna(by_origin).fillna(0.0)
    return level.to_numpy(dtype=float)
