"""The whole staffing plan in one call: hourly staff per role, then the shifts that cover it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pipelines.planning.parameters import Language, StaffingParameters, StoreProfile
from pipelines.planning.shifts import ShiftPlan, plan_shifts
from pipelines.planning.staffing import plan_staffing


@dataclass(frozen=True)
class StaffingPlan:
    hourly: pd.DataFrame  # staffing.STAFFING_COLUMNS
    shifts: pd.DataFrame  # shifts.SHIFT_COLUMNS
    shift_totals: pd.DataFrame  # shifts.TOTAL_COLUMNS


def plan_week(
    hours: pd.DataFrame,
    stores: Iterable[StoreProfile],
    params: StaffingParameters | None = None,
    language: Language = "es",
) -> StaffingPlan:
    """Hourly staffing for every store-hour in ``hours``, then minimal shifts covering it."""
    params = params or StaffingParameters()
    hourly = plan_staffing(hours, stores, params, language)
    shift_plan: ShiftPlan = plan_shifts(hourly, params)
    return StaffingPlan(hourly=hourly, shifts=shift_plan.shifts, shift_totals=shift_plan.totals)
