"""What the staffing plans are made from, on a simulated chain: the traffic model's inputs and
weekly forecasts, a seasonal-naive forecast, and each store's planning facts (pure)."""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

from models.traffic.config import TrafficConfig
from pipelines.evaluation.chain import ChainHistory

CONVERSION_DAYS = 28
NAIVE_WEEKS = 4


def traffic_frame(history: ChainHistory) -> pd.DataFrame:
    """location_id, ts, count and the exogenous inputs the nightly's traffic model reads
    (sql/training/traffic_history.sql): the day's deepest planned discount and the weather."""
    counts = history.counts_frame()
    promotions = history.promotions_frame()
    depth = promotions.groupby(["store_id", "date"])["discount_pct"].max().rename("discount_depth")
    days = counts["ts"].dt.normalize()
    keys = pd.MultiIndex.from_arrays([counts["location_id"], days])
    weather = history.sim.weather_frame
    city = dict(zip(history.sim.stores.ids, history.sim.stores.city, strict=True))
    hourly = weather.set_index(["city", "ts"])[["temperature_2m", "precipitation"]]
    at = pd.MultiIndex.from_arrays([counts["location_id"].map(city), counts["ts"]])
    return counts.assign(
        discount_depth=depth.reindex(keys).fillna(0.0).to_numpy(),
        temperature=hourly["temperature_2m"].reindex(at).to_numpy(),
        precipitation=hourly["precipitation"].reindex(at).to_numpy(),
    )


def store_table(history: ChainHistory, before: date) -> pd.DataFrame:
    """store_id, format, size_sqm, opening_hours, conversion_rate (tickets per counted visitor
    over the CONVERSION_DAYS before ``before``, as sql/plan/store_profiles.sql measures it)."""
    stores = history.sim.stores.table[["store_id", "format", "size_sqm", "opening_hours"]]
    days = [before - timedelta(days=k) for k in range(1, CONVERSION_DAYS + 1)]
    days = [d for d in days if d in history.tickets]
    tickets = sum((history.tickets[d].sum(axis=1) for d in days), np.zeros(len(stores)))
    counts = history.counts_frame()
    window = counts[
        (counts["ts"] >= pd.Timestamp(min(days))) & (counts["ts"] < pd.Timestamp(before))
    ]
    visitors = window.groupby("location_id")["count"].sum()
    visitors = visitors.reindex(stores["store_id"]).to_numpy(dtype=float)
    rate = np.where(visitors > 0, np.minimum(tickets / np.maximum(visitors, 1), 1.0), np.nan)
    return stores.assign(conversion_rate=rate)


def seasonal_naive(counts: pd.DataFrame, origin: pd.Timestamp, hours: int) -> pd.DataFrame:
    """store_id, ts, p10 = p50 = p90: the same hour a week before (an older week when the
    counter was out then), for the ``hours`` from ``origin``."""
    known = counts.dropna(subset=["count"]).set_index(["location_id", "ts"])["count"]
    stores = counts["location_id"].unique()
    steps = pd.date_range(origin, periods=hours, freq="h")
    grid = pd.MultiIndex.from_product([stores, steps], names=["store_id", "ts"]).to_frame(
        index=False
    )
    value = np.full(len(grid), np.nan)
    for weeks in range(1, NAIVE_WEEKS + 1):
        back = pd.MultiIndex.from_arrays(
            [grid["store_id"], grid["ts"] - pd.Timedelta(days=7 * weeks)]
        )
        value = np.where(np.isnan(value), known.reindex(back).to_numpy(dtype=float), value)
    value = np.nan_to_num(value)
    return grid.assign(p10=value, p50=value, p90=value)


def weekly_forecasts(
    history: ChainHistory, config: TrafficConfig, origins: list[date]
) -> tuple[dict[date, pd.DataFrame], float]:
    """P10/P50/P90 for the 168 hours after each origin, from a model trained once on the door
    counts before the first origin (weights fixed after); the fit's and forecasts' seconds."""
    from models.traffic.forecast import TrafficForecaster

    table = traffic_frame(history)
    began = time.perf_counter()
    first = pd.Timestamp(origins[0])
    model = TrafficForecaster(config).fit(table[table["ts"] < first])
    forecasts = {}
    for origin in origins:
        at = pd.Timestamp(origin)
        horizon = table[(table["ts"] >= at) & (table["ts"] < at + pd.Timedelta(hours=168))]
        future = horizon.drop(columns="count")
        predicted = model.predict(table[table["ts"] < at], future_exog=future, origin=at)
        forecasts[origin] = predicted.rename(columns={"location_id": "store_id"})
    return forecasts, time.perf_counter() - began
