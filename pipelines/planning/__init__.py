"""Staffing planner: from traffic forecasts to hourly staff per role and covering shifts.

Pure core (frames and dataclasses in, frames out; no database). The model and its defaults are
explained for managers and analysts in docs/staffing-model.md.

- ``parameters``: every knob (``StaffingParameters``) and per-store facts (``StoreProfile``)
- ``opening_hours``: weekly opening hours -> hour grid with business dates
- ``erlang``: Erlang B/C and the smallest cashier count meeting a service level
- ``staffing``: hourly staff per store and role, with the binding rule and a rationale
- ``rationale``: the Spanish/English sentences
- ``covering``: exact minimal shift cover of one block of hours
- ``shifts``: shifts and totals per store, business date and role
- ``planner``: both steps in one call
"""

from pipelines.planning.parameters import StaffingParameters, StoreProfile
from pipelines.planning.planner import StaffingPlan, plan_week

__all__ = ["StaffingParameters", "StaffingPlan", "StoreProfile", "plan_week"]
