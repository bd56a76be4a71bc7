"""The schedules the closed loop compares, as pure rules on small frames."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipelines.evaluation.forecasts import seasonal_naive
from pipelines.evaluation.schedules import (
    _apportion,
    daily_arrays,
    fit_to_hours,
    flat_schedule,
    last_year_schedule,
    open_hours,
    weekly_hours,
)

FIRST = date(2025, 3, 3)  # a Monday
HOURS = json.dumps({str(d): {"open": "10:00", "close": "14:00"} for d in range(1, 8)})


def _hours() -> pd.DataFrame:
    stores = pd.DataFrame({"store_id": ["S1", "S2"], "opening_hours": [HOURS, HOURS]})
    return open_hours(stores, FIRST, date(2025, 3, 9))


def test_apportion_spends_the_budget_in_proportion_above_the_minimum() -> None:
    weights = np.array([10.0, 30.0, 0.0, 60.0])
    staff = _apportion(weights, 20, 1)
    assert staff.sum() == 20 and staff.min() >= 1
    assert staff[3] > staff[1] > staff[0] >= staff[2]
    # A budget below the minimum crew still staffs every hour (and says so by overspending).
    assert _apportion(weights, 2, 1).tolist() == [1, 1, 1, 1]


def test_flat_and_fitted_schedules_spend_each_store_weeks_budget() -> None:
    hours = _hours()
    assert len(hours) == 2 * 7 * 4
    budget = {("S1", 0): 70, ("S2", 0): 28}
    flat = flat_schedule(hours, budget, FIRST)
    assert weekly_hours(flat, FIRST) == budget
    assert set(flat.loc[flat["store_id"] == "S2", "staff"]) == {1}
    assert set(flat.loc[flat["store_id"] == "S1", "staff"]) == {2, 3}  # 70 over 28 hours
    shaped = hours[["store_id", "ts"]].assign(staff=1, traffic_planned=hours["ts"].dt.hour * 1.0)
    fitted = fit_to_hours(shaped, budget, FIRST, weight="traffic_planned")
    assert weekly_hours(fitted, FIRST) == budget
    s1 = fitted[fitted["store_id"] == "S1"]
    assert s1.groupby(s1["ts"].dt.hour)["staff"].mean().is_monotonic_increasing


def test_last_year_takes_the_same_weekday_and_falls_back_for_new_stores() -> None:
    hours = _hours()
    year_ago = hours[hours["store_id"] == "S1"].assign(
        ts=lambda f: f["ts"] - pd.Timedelta(days=364), staff=4
    )
    recent_s2 = hours[hours["store_id"] == "S2"].assign(
        ts=lambda f: f["ts"] - pd.Timedelta(days=7), staff=2
    )
    on_duty = pd.concat([year_ago, recent_s2])[["store_id", "ts", "staff"]]
    schedule = last_year_schedule(on_duty, hours)
    assert set(schedule.loc[schedule["store_id"] == "S1", "staff"]) == {4}
    assert set(schedule.loc[schedule["store_id"] == "S2", "staff"]) == {2}  # opened since


def test_daily_arrays_and_seasonal_naive_over_an_outage() -> None:
    hours = _hours()
    schedule = hours[["store_id", "ts"]].assign(staff=3)
    arrays = daily_arrays(schedule, np.array(["S1", "S2"], dtype=object), [FIRST])
    assert arrays[FIRST][:, 10:14].tolist() == [[3] * 4, [3] * 4]
    assert arrays[FIRST][:, :10].sum() == 0

    ts = pd.date_range("2025-02-17", periods=14 * 24, freq="h")
    counts = pd.DataFrame({"location_id": "S1", "ts": ts, "count": ts.hour.astype(float)})
    counts.loc[counts["ts"] >= pd.Timestamp("2025-02-24"), "count"] = np.nan  # last week out
    naive = seasonal_naive(counts, pd.Timestamp("2025-03-03"), 24)
    assert naive["p50"].tolist() == pytest.approx(list(range(24)))  # two weeks back
    assert (naive["p10"] == naive["p90"]).all()
