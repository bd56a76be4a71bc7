"""Staffing schedules to compare, as (store_id, ts, staff) frames of open store-hours (pure).

- ``planned_schedule``: nightshift's planner (docs/staffing-model.md) on a traffic forecast;
- ``last_year_schedule``: the staff on duty the same weekday 52 weeks earlier;
- ``flat_schedule``: the same crew every open hour of a store's week, for a given total;
- ``fit_to_hours``: a schedule's shape scaled to a store-week's hour budget.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pipelines.planning.opening_hours import store_hours
from pipelines.planning.parameters import StaffingParameters, store_profiles
from pipelines.planning.staffing import plan_staffing

SCHEDULE_COLUMNS = ("store_id", "ts", "staff")
SAME_WEEKDAY_LAST_YEAR = timedelta(days=364)
# Nobody plans an open hour without anyone on duty.
MIN_STAFF_OPEN = 1


def open_hours(stores: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """store_id, ts, business_date of every open hour of business dates first..last, from
    ``stores`` (store_id, opening_hours as JSON text or a mapping)."""
    frames = []
    for row in stores.itertuples():
        hours = row.opening_hours
        mapping = json.loads(hours) if isinstance(hours, str) else hours
        grid = store_hours(mapping, first, last)
        frames.append(grid[grid["is_open"]].assign(store_id=row.store_id))
    frame = pd.concat(frames, ignore_index=True)
    return frame[["store_id", "ts", "business_date"]]


def planned_schedule(
    forecast: pd.DataFrame,
    stores: pd.DataFrame,
    first: date,
    last: date,
    params: StaffingParameters,
) -> pd.DataFrame:
    """Staff per open hour (all roles) of nightshift's plan for business dates first..last.

    ``forecast``: store_id, ts, p10, p50, p90 (hours past it reuse its last hour, as the
    nightly plan does); ``stores``: store_id, format, size_sqm, opening_hours, conversion_rate.
    """
    frames = []
    for row in stores.itertuples():
        hours = row.opening_hours
        mapping = json.loads(hours) if isinstance(hours, str) else hours
        frames.append(store_hours(mapping, first, last).assign(store_id=row.store_id))
    grid = pd.concat(frames, ignore_index=True)
    quantiles = forecast[["store_id", "ts", "p10", "p50", "p90"]]
    grid = grid.merge(quantiles, on=["store_id", "ts"], how="left").sort_values(["store_id", "ts"])
    grid[["p10", "p50", "p90"]] = grid.groupby("store_id")[["p10", "p50", "p90"]].ffill()
    grid = grid.rename(columns={f"p{q}": f"traffic_p{q}" for q in (10, 50, 90)})
    profiles = store_profiles(stores.itertuples())
    hourly = plan_staffing(grid, profiles, params, language="en")
    open_rows = hourly[hourly["binding_rule"] != "closed"].groupby(["store_id", "ts"])
    staff = open_rows.agg(staff=("staff", "sum"), traffic_planned=("traffic_planned", "max"))
    return staff.reset_index()[[*SCHEDULE_COLUMNS, "traffic_planned"]]


def last_year_schedule(on_duty: pd.DataFrame, hours: pd.DataFrame) -> pd.DataFrame:
    """For each open hour in ``hours`` (store_id, ts): the staff on duty (``on_duty``:
    store_id, ts, staff) the same weekday and hour 52 weeks earlier; a store without that
    history (opened since) gets its latest same weekday and hour before the first day."""
    known = on_duty.set_index(["store_id", "ts"])["staff"]
    year_ago = pd.MultiIndex.from_arrays([hours["store_id"], hours["ts"] - SAME_WEEKDAY_LAST_YEAR])
    staff = known.reindex(year_ago).to_numpy(dtype=float)
    missing = np.isnan(staff)
    if missing.any():
        before = on_duty[on_duty["ts"] < hours["ts"].min()].assign(
            weekday=lambda f: f["ts"].dt.dayofweek, hour=lambda f: f["ts"].dt.hour
        )
        latest = before.sort_values("ts").groupby(["store_id", "weekday", "hour"])["staff"].last()
        wanted = pd.MultiIndex.from_arrays(
            [hours["store_id"], hours["ts"].dt.dayofweek, hours["ts"].dt.hour]
        )
        fallback = latest.reindex(wanted).to_numpy(dtype=float)
        staff = np.where(missing, fallback, staff)
    staff = np.maximum(np.nan_to_num(staff, nan=MIN_STAFF_OPEN), MIN_STAFF_OPEN)
    return hours[["store_id", "ts"]].assign(staff=staff.astype(int)).reset_index(drop=True)


def week_of(ts: pd.Series, first: date) -> np.ndarray:
    """0-based week of the evaluation period each timestamp's business day falls in."""
    return ((ts.dt.normalize() - pd.Timestamp(first)).dt.days // 7).to_numpy()


def _apportion(weights: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """``total`` whole staff-hours over hours with ``weights``: each hour gets
    max(``minimum``, k x weight) with k such that they add up to ``total`` (never below the
    minimum, even if the budget is), rounded by largest remainders (ties to the earlier hour)."""
    count = len(weights)
    if count == 0:
        return np.zeros(0, dtype=int)
    weights = np.maximum(np.asarray(weights, dtype=float), 0.0)
    if total <= minimum * count:
        return np.full(count, minimum, dtype=int)
    if weights.sum() <= 0:
        weights = np.ones(count)
    low, high = 0.0, total / weights[weights > 0].min()
    for _ in range(60):  # sum(max(minimum, k w)) grows with k: bisection finds it
        middle = (low + high) / 2
        if np.maximum(minimum, middle * weights).sum() < total:
            low = middle
        else:
            high = middle
    ideal = np.maximum(minimum, high * weights)
    ideal *= total / ideal.sum()
    whole = np.maximum(np.floor(ideal).astype(int), minimum)
    left = int(total - whole.sum())
    order = np.lexsort((np.arange(count), -(ideal - whole)))
    if left > 0:
        whole[order[:left]] += 1
    elif left < 0:  # the floor at the minimum overshot: take back from the largest hours
        for i in np.argsort(-whole, kind="stable")[:-left]:
            whole[i] -= 1 if whole[i] > minimum else 0
    return whole


def fit_to_hours(
    schedule: pd.DataFrame,
    budget: Mapping[tuple[str, int], int],
    first: date,
    weight: str = "staff",
) -> pd.DataFrame:
    """``schedule`` reshaped to spend exactly ``budget[(store_id, week)]`` staff-hours in each
    store-week (at least one person per open hour), in proportion to its ``weight`` column:
    its own staff, or (``traffic_planned``) the traffic it was planned for, which keeps the
    forecast customers per person even when the budget is below what the plan asks for."""
    frame = schedule.assign(week=week_of(schedule["ts"], first)).reset_index(drop=True)
    staff = np.zeros(len(frame), dtype=int)
    values = frame[weight].to_numpy(dtype=float)
    for (store_id, week), rows in frame.groupby(["store_id", "week"]).indices.items():
        total = budget.get((store_id, int(week)), int(frame["staff"].iloc[rows].sum()))
        staff[rows] = _apportion(np.nan_to_num(values[rows]), total, MIN_STAFF_OPEN)
    return frame.assign(staff=staff)[list(SCHEDULE_COLUMNS)]


def flat_schedule(
    hours: pd.DataFrame, budget: Mapping[tuple[str, int], int], first: date
) -> pd.DataFrame:
    """The same crew in every open hour of each store-week, spending its budget: the hours
    that do not divide evenly go one each to hours spread evenly over the week."""
    frame = hours[["store_id", "ts"]].assign(week=week_of(hours["ts"], first))
    frame = frame.sort_values(["store_id", "ts"]).reset_index(drop=True)
    staff = np.zeros(len(frame), dtype=int)
    for (store_id, week), rows in frame.groupby(["store_id", "week"]).indices.items():
        count = len(rows)
        total = max(budget.get((store_id, int(week)), count), count * MIN_STAFF_OPEN)
        crew = np.full(count, total // count)
        extra = total - crew.sum()
        crew[np.linspace(0, count, extra, endpoint=False).astype(int)] += 1
        staff[rows] = crew
    return frame.assign(staff=staff)[list(SCHEDULE_COLUMNS)]


def weekly_hours(schedule: pd.DataFrame, first: date) -> dict[tuple[str, int], int]:
    """Staff-hours per (store_id, week) of a schedule."""
    frame = schedule.assign(week=week_of(schedule["ts"], first))
    totals = frame.groupby(["store_id", "week"])["staff"].sum()
    return {(str(s), int(w)): int(v) for (s, w), v in totals.items()}


def daily_arrays(
    schedule: pd.DataFrame, store_ids: np.ndarray, days: list[date]
) -> dict[date, np.ndarray]:
    """The schedule as the simulator's (stores, 24) staff per calendar day and hour."""
    index = {store_id: i for i, store_id in enumerate(store_ids)}
    arrays = {day: np.zeros((len(store_ids), 24), dtype=int) for day in days}
    for store_id, ts, staff in schedule[list(SCHEDULE_COLUMNS)].itertuples(index=False):
        day = ts.date()
        if day in arrays and store_id in index:
            arrays[day][index[store_id], ts.hour] = int(staff)
    return arrays
