"""Hourly staff per store and role from traffic quantiles: the planner's core, pure and typed.

Per open store-hour: plan on a traffic quantile (default P80), turn traffic into tickets with the
store's conversion rate, size the cashiers with Erlang C for the service level, the floor with a
labour standard, then apply the per-role minimum and the store's space-based maximum. Every row
keeps the numbers that produced it and says which rule decided it (``binding_rule``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.errors import NightshiftError
from pipelines.planning.erlang import servers_for_service_level, service_level
from pipelines.planning.parameters import (
    FORECAST_QUANTILES,
    ROLES,
    BindingRule,
    Language,
    Role,
    StaffingParameters,
    StoreProfile,
)
from pipelines.planning.rationale import Explained, explain

HOURS_COLUMNS = (
    "store_id",
    "ts",
    "business_date",
    "is_open",
    "traffic_p10",
    "traffic_p50",
    "traffic_p90",
)
STAFFING_COLUMNS = (
    "store_id",
    "business_date",
    "ts",
    "role",
    "traffic_p50",
    "planned_quantile",
    "traffic_planned",
    "expected_transactions",
    "required",
    "staff",
    "binding_rule",
    "service_level",
    "rationale",
)

# Who gets the store's last places when the crew does not fit (see _fit_into_store).
_CAPACITY_PRIORITY: tuple[Role, ...] = ("cashier", "floor")

# Ceilings of ratios like 120 / 40 must not become 4 through floating-point noise.
_CEIL_SLACK = 1e-9


@dataclass(frozen=True)
class RoleDecision:
    role: Role
    required: int  # what the role's own rule asks for, before the minimum and the maximum
    staff: int
    binding_rule: BindingRule
    service_level: float | None  # cashiers: share of waits within target with `staff`


def planned_traffic(
    p10: np.ndarray, p50: np.ndarray, p90: np.ndarray, quantile: float
) -> np.ndarray:
    """Linear interpolation between the forecast's quantiles, after sorting each row's three
    values (quantile forecasts can cross; sorting is the standard repair and never hurts)."""
    ordered = np.sort(np.column_stack([p10, p50, p90]).astype(float), axis=1)
    # the pair of forecast quantiles around the planning quantile (the top pair for P90 itself)
    position = min(
        sum(1 for known in FORECAST_QUANTILES if known <= quantile) - 1,
        len(FORECAST_QUANTILES) - 2,
    )
    low_q, high_q = FORECAST_QUANTILES[position], FORECAST_QUANTILES[position + 1]
    weight = (quantile - low_q) / (high_q - low_q)
    return ordered[:, position] + weight * (ordered[:, position + 1] - ordered[:, position])


def decide_hour(
    store: StoreProfile, params: StaffingParameters, is_open: bool, traffic: float
) -> tuple[RoleDecision, ...]:
    """Staff for each role in one store-hour at the planned ``traffic`` (customers entering)."""
    if not is_open:
        return tuple(RoleDecision(role, 0, 0, "closed", None) for role in ROLES)
    tickets = traffic * store.conversion(params)
    service_hours = params.service_time_minutes / 60
    wait_hours = params.service_level_wait_minutes / 60
    required: dict[Role, int] = {
        "cashier": servers_for_service_level(
            tickets, service_hours, wait_hours, params.service_level_target
        ),
        "floor": math.ceil(traffic / store.floor_standard(params) - _CEIL_SLACK),
    }
    wanted = {role: max(required[role], params.minimum(role)) for role in ROLES}
    staff = _fit_into_store(wanted, params, store.max_total_staff(params))

    decisions = []
    for role in ROLES:
        if staff[role] < required[role]:
            rule: BindingRule = "maximum"
        elif required[role] < params.minimum(role):
            rule = "minimum"
        else:
            rule = "service_level" if role == "cashier" else "labour_standard"
        reached = (
            service_level(tickets, service_hours, staff[role], wait_hours)
            if role == "cashier"
            else None
        )
        decisions.append(RoleDecision(role, required[role], staff[role], rule, reached))
    return tuple(decisions)


def _fit_into_store(
    wanted: Mapping[Role, int], params: StaffingParameters, capacity: int
) -> dict[Role, int]:
    """Cut the crew down to the store's capacity when it does not fit.

    Each role keeps its minimum; the remaining places go to cashiers first, then to the floor.
    The till comes first because a queue that outgrows its cashiers loses sales and grows
    without bound, while a stretched floor only serves customers more slowly.
    """
    if sum(wanted.values()) <= capacity:
        return dict(wanted)
    spare = capacity - sum(params.minimum(role) for role in ROLES)
    granted: dict[Role, int] = {}
    for role in _CAPACITY_PRIORITY:
        extra = min(wanted[role] - params.minimum(role), spare)
        granted[role] = params.minimum(role) + extra
        spare -= extra
    return granted


def plan_staffing(
    hours: pd.DataFrame,
    stores: Iterable[StoreProfile],
    params: StaffingParameters | None = None,
    language: Language = "es",
) -> pd.DataFrame:
    """One row per store-hour and role (columns ``STAFFING_COLUMNS``) from an hourly frame with
    ``HOURS_COLUMNS``. Traffic may be missing only in closed hours."""
    params = params or StaffingParameters()
    profiles = {store.store_id: store for store in stores}
    hours = _checked(hours, profiles)
    p10, p50, p90 = (hours[f"traffic_p{q}"].to_numpy(float) for q in (10, 50, 90))
    median = np.median(np.column_stack([p10, p50, p90]), axis=1)  # P50 after any re-sorting
    hours = hours.assign(
        traffic_median=median,
        traffic_planned=planned_traffic(p10, p50, p90, params.planning_quantile),
    )
    rows = []
    for hour in hours.itertuples(index=False):
        store = profiles[hour.store_id]
        planned = float(hour.traffic_planned)
        tickets = planned * store.conversion(params) if hour.is_open else 0.0
        for decision in decide_hour(store, params, bool(hour.is_open), planned):
            why = Explained(
                role=decision.role,
                binding_rule=decision.binding_rule,
                quantile_label=params.quantile_label,
                traffic=planned,
                tickets=tickets,
                required=decision.required,
                staff=decision.staff,
                store_maximum=store.max_total_staff(params),
                service_level=decision.service_level,
                wait_minutes=params.service_level_wait_minutes,
                target_share=params.service_level_target,
                floor_standard=store.floor_standard(params),
            )
            rows.append(
                {
                    "store_id": hour.store_id,
                    "business_date": hour.business_date,
                    "ts": hour.ts,
                    "role": decision.role,
                    "traffic_p50": float(hour.traffic_median),
                    "planned_quantile": params.quantile_label,
                    "traffic_planned": planned,
                    "expected_transactions": tickets,
                    "required": decision.required,
                    "staff": decision.staff,
                    "binding_rule": decision.binding_rule,
                    "service_level": decision.service_level,
                    "rationale": explain(why, language),
                }
            )
    frame = pd.DataFrame(rows, columns=list(STAFFING_COLUMNS))
    return frame.astype({"required": "int64", "staff": "int64", "service_level": "float64"})


def _checked(hours: pd.DataFrame, profiles: Mapping[str, StoreProfile]) -> pd.DataFrame:
    """The input with closed hours' missing traffic read as zero; one-line errors otherwise."""
    missing = [column for column in HOURS_COLUMNS if column not in hours.columns]
    if missing:
        raise NightshiftError(f"staffing input lacks columns {missing}")
    unknown = sorted(set(hours["store_id"]) - set(profiles))
    if unknown:
        raise NightshiftError(f"staffing input has stores without a profile: {unknown[:5]}")
    duplicated = hours.duplicated(["store_id", "ts"])
    if duplicated.any():
        first = hours.loc[duplicated].iloc[0]
        raise NightshiftError(f"store {first.store_id} has two rows for hour {first.ts}")
    hours = hours.copy()
    hours["is_open"] = hours["is_open"].astype(bool)
    traffic_columns = ["traffic_p10", "traffic_p50", "traffic_p90"]
    traffic = hours[traffic_columns].astype(float)
    gaps = traffic.isna().any(axis=1) & hours["is_open"]
    if gaps.any():
        first = hours.loc[gaps].iloc[0]
        raise NightshiftError(f"store {first.store_id} is open at {first.ts} but has no forecast")
    if (traffic < 0).any(axis=None):
        raise NightshiftError("traffic forecasts must be >= 0")
    hours[traffic_columns] = traffic.fillna(0.0)
    return hours.sort_values(["store_id", "ts"], ignore_index=True)
