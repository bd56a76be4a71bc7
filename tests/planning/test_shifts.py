from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from pipelines.planning import StaffingParameters, StaffingPlan, StoreProfile, plan_week
from pipelines.planning.opening_hours import store_hours
from pipelines.planning.shifts import ShiftPlan, plan_shifts

MONDAY = date(2026, 11, 23)
LATE_NIGHTS = {str(day): {"open": "12:00", "close": "01:00"} for day in range(1, 8)}
SHORT_SUNDAY = {
    **{str(day): {"open": "10:00", "close": "22:00"} for day in range(1, 7)},
    "7": {"open": "10:00", "close": "13:00"},
}


def week_of_traffic(
    opening_hours: dict[str, dict[str, str]], store_id: str, seed: int
) -> pd.DataFrame:
    hours = store_hours(opening_hours, MONDAY, MONDAY + timedelta(days=6))
    rng = np.random.default_rng(seed)
    median = np.where(hours["is_open"], rng.gamma(4.0, 30.0, len(hours)), 0.0)
    hours["store_id"] = store_id
    hours["traffic_p10"], hours["traffic_p50"], hours["traffic_p90"] = (
        median * 0.6,
        median,
        median * 1.6,
    )
    return hours


def exploded(shifts: pd.DataFrame) -> pd.DataFrame:
    """One row per person-hour on shift: store_id, business_date, role, ts."""
    rows = [
        (shift.store_id, shift.business_date, shift.role, shift.shift_start + timedelta(hours=h))
        for shift in shifts.itertuples()
        for h in range(shift.hours)
    ]
    return pd.DataFrame(rows, columns=["store_id", "business_date", "role", "ts"])


@pytest.fixture(scope="module")
def late_plan() -> StaffingPlan:
    stores = [StoreProfile("LATE", "restaurant", 400), StoreProfile("SUN", "street", 150)]
    hours = pd.concat(
        [week_of_traffic(LATE_NIGHTS, "LATE", 1), week_of_traffic(SHORT_SUNDAY, "SUN", 2)]
    )
    return plan_week(hours, stores)


def test_every_open_hour_is_covered_and_nobody_works_while_closed(late_plan: StaffingPlan) -> None:
    plan = late_plan
    on_shift = exploded(plan.shifts).value_counts().rename("on_shift").reset_index()
    hourly = plan.hourly.merge(
        on_shift, on=["store_id", "business_date", "role", "ts"], how="outer"
    )
    hourly["on_shift"] = hourly["on_shift"].fillna(0)
    assert hourly["staff"].notna().all(), "a shift runs through an hour the plan does not know"
    assert (hourly["on_shift"] >= hourly["staff"]).all()
    closed = hourly["binding_rule"] == "closed"
    assert (hourly.loc[closed, "on_shift"] == 0).all()


def test_shift_lengths_respect_the_bounds_except_flagged_short_days(
    late_plan: StaffingPlan,
) -> None:
    shifts = late_plan.shifts
    regular = shifts[~shifts["short_span"]]
    assert regular["hours"].between(4, 8).all()
    short = shifts[shifts["short_span"]]
    assert set(short["store_id"]) == {"SUN"}
    assert set(short["business_date"]) == {MONDAY + timedelta(days=6)}
    assert (short["hours"] == 3).all()
    assert (short["shift_start"].dt.hour == 10).all()


def test_late_closing_shifts_run_past_midnight_on_the_opening_day(late_plan: StaffingPlan) -> None:
    shifts = late_plan.shifts
    late = shifts[shifts["store_id"] == "LATE"]
    assert late["business_date"].nunique() == 7
    ends = late.groupby(["business_date", "role"])["shift_end"].max()
    for (business_date, _role), end in ends.items():
        assert end == pd.Timestamp(business_date) + pd.Timedelta(hours=25)  # 01:00 next day
    starts = late["shift_start"] - pd.to_datetime(late["business_date"])
    assert (starts >= pd.Timedelta(hours=12)).all()


def test_totals_add_up_and_never_beat_the_lower_bound(late_plan: StaffingPlan) -> None:
    plan = late_plan
    keys = ["store_id", "business_date", "role"]
    hours = plan.shifts.groupby(keys)["hours"].sum().rename("from_shifts")
    need = plan.hourly.groupby(keys)["staff"].sum().rename("from_hourly")
    totals = plan.shift_totals.set_index(keys).join(hours).join(need)
    assert (totals["staff_hours"] == totals["from_shifts"]).all()
    assert (totals["need_hours"] == totals["from_hourly"]).all()
    assert (totals["gap_hours"] == totals["staff_hours"] - totals["need_hours"]).all()
    assert (totals["gap_hours"] >= 0).all()


def test_day_totals_sum_both_roles(late_plan: StaffingPlan) -> None:
    plan = late_plan
    days = ShiftPlan(plan.shifts, plan.shift_totals).day_totals()
    assert len(days) == 14
    assert days["staff_hours"].sum() == plan.shifts["hours"].sum()


def test_longer_shifts_allowed_never_cost_more_hours(late_plan: StaffingPlan) -> None:
    hourly = late_plan.hourly
    strict = plan_shifts(hourly, StaffingParameters(min_shift_hours=6, max_shift_hours=6))
    loose = plan_shifts(hourly, StaffingParameters(min_shift_hours=4, max_shift_hours=10))
    keys = ["store_id", "business_date", "role"]
    joined = strict.totals.merge(loose.totals, on=keys, suffixes=("_strict", "_loose"))
    assert (joined["staff_hours_loose"] <= joined["staff_hours_strict"]).all()
    assert (joined["staff_hours_loose"] < joined["staff_hours_strict"]).any()
