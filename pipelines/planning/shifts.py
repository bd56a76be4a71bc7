"""Shifts per store, business date and role that cover the hourly staffing with the fewest hours.

Each business date's open hours are cut into blocks of consecutive hours (one block for a store
open 12:00-01:00: the hour after midnight belongs to the day it opened). Each block is covered
exactly optimally by ``covering.minimal_shifts``; shifts never leave their block, so nobody is
scheduled while the store is closed. A block shorter than the minimum shift gets whole-block
shifts, flagged ``short_span``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines.errors import NightshiftError
from pipelines.planning.covering import minimal_shifts
from pipelines.planning.parameters import StaffingParameters

SHIFT_COLUMNS = (
    "store_id",
    "business_date",
    "role",
    "shift_start",
    "shift_end",
    "hours",
    "short_span",
)
TOTAL_COLUMNS = (
    "store_id",
    "business_date",
    "role",
    "shifts",
    "staff_hours",
    "need_hours",
    "gap_hours",
)
_KEYS = ["store_id", "business_date", "role"]
_HOUR = pd.Timedelta(hours=1)


@dataclass(frozen=True)
class ShiftPlan:
    """``shifts``: one row per shift; ``totals``: per store, business date and role.

    ``need_hours`` is the sum of hourly staff, a lower bound no shift plan can beat;
    ``gap_hours = staff_hours - need_hours`` is what shift-length rules cost on top of it.
    """

    shifts: pd.DataFrame
    totals: pd.DataFrame

    def day_totals(self) -> pd.DataFrame:
        """Totals per store and business date, both roles together."""
        summed = ["shifts", "staff_hours", "need_hours", "gap_hours"]
        return self.totals.groupby(["store_id", "business_date"], as_index=False)[summed].sum()


def plan_shifts(staffing: pd.DataFrame, params: StaffingParameters | None = None) -> ShiftPlan:
    """Shifts from the hourly plan (``plan_staffing``'s output; needs store_id, business_date,
    ts, role, staff and binding_rule; rows whose rule is "closed" are closed hours)."""
    params = params or StaffingParameters()
    needed = [*_KEYS, "ts", "staff", "binding_rule"]
    missing = [column for column in needed if column not in staffing.columns]
    if missing:
        raise NightshiftError(f"shift planning input lacks columns {missing}")
    open_hours = staffing.loc[staffing["binding_rule"] != "closed", needed]
    shift_rows: list[tuple[object, ...]] = []
    total_rows: list[tuple[object, ...]] = []
    for (store_id, business_date, role), group in open_hours.groupby(_KEYS, sort=True):
        group = group.sort_values("ts")
        starts = pd.to_datetime(group["ts"]).tolist()
        need = [int(n) for n in group["staff"]]
        day_shifts = []
        for first, last in _blocks(starts):
            block_need = need[first:last]
            short = len(block_need) < params.min_shift_hours
            for start, end in minimal_shifts(
                block_need, params.min_shift_hours, params.max_shift_hours
            ):
                opens = starts[first] + start * _HOUR
                day_shifts.append((opens, opens + (end - start) * _HOUR, end - start, short))
        for shift in day_shifts:
            shift_rows.append((store_id, business_date, role, *shift))
        hours = sum(shift[2] for shift in day_shifts)
        total_rows.append(
            (store_id, business_date, role, len(day_shifts), hours, sum(need), hours - sum(need))
        )
    return ShiftPlan(
        shifts=pd.DataFrame(shift_rows, columns=list(SHIFT_COLUMNS)),
        totals=pd.DataFrame(total_rows, columns=list(TOTAL_COLUMNS)),
    )


def _blocks(starts: list[pd.Timestamp]) -> list[tuple[int, int]]:
    """``[first, last)`` index ranges of consecutive hours in sorted hour starts."""
    if len(set(starts)) != len(starts):
        raise NightshiftError(f"hourly plan repeats an hour ({starts[0]:%Y-%m-%d})")
    blocks, first = [], 0
    for index in range(1, len(starts) + 1):
        if index == len(starts) or starts[index] - starts[index - 1] != _HOUR:
            blocks.append((first, index))
            first = index
    return blocks
