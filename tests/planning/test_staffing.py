from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from pipelines.errors import ConfigError, NightshiftError
from pipelines.planning.erlang import service_level
from pipelines.planning.opening_hours import store_hours
from pipelines.planning.parameters import BINDING_RULES, StaffingParameters, StoreProfile
from pipelines.planning.staffing import decide_hour, plan_staffing, planned_traffic

MONDAY = date(2026, 11, 23)
TEN_TO_TEN = {str(day): {"open": "10:00", "close": "22:00"} for day in range(1, 8)}
BIG_MALL = StoreProfile("S1", "mall", size_sqm=2000)


def forecast_hours(store_id: str = "S1", days: int = 2, seed: int = 3) -> pd.DataFrame:
    """Two days of a store open 10:00-22:00 with a noisy midday peak and a spread-out forecast."""
    hours = store_hours(TEN_TO_TEN, MONDAY, MONDAY + timedelta(days=days - 1))
    rng = np.random.default_rng(seed)
    hour = hours["ts"].dt.hour.to_numpy()
    median = np.where(hours["is_open"], 60 + 140 * np.exp(-(((hour - 15) / 3) ** 2)), 0.0)
    median = median * rng.uniform(0.8, 1.2, len(hours))
    hours["store_id"] = store_id
    hours["traffic_p10"] = median * 0.6
    hours["traffic_p50"] = median
    hours["traffic_p90"] = median * 1.5
    return hours


def by_hour_and_role(plan: pd.DataFrame) -> pd.DataFrame:
    return plan.set_index(["ts", "role"]).sort_index()


def test_nobody_is_scheduled_while_closed() -> None:
    hours = forecast_hours()
    hours.loc[~hours["is_open"], ["traffic_p10", "traffic_p50", "traffic_p90"]] = [50, 80, 120]
    plan = plan_staffing(hours, [BIG_MALL], language="en")
    closed = plan[plan["ts"].isin(hours.loc[~hours["is_open"], "ts"])]
    assert len(closed) == 2 * (~hours["is_open"]).sum()
    assert (closed["staff"] == 0).all()
    assert (closed["binding_rule"] == "closed").all()
    assert (closed["rationale"] == "Closed: no staff").all()


def test_minimum_is_kept_in_every_open_hour() -> None:
    hours = forecast_hours()
    quiet = hours["is_open"] & (hours["ts"].dt.hour < 12)
    hours.loc[quiet, ["traffic_p10", "traffic_p50", "traffic_p90"]] = 0.0
    params = StaffingParameters(min_cashiers_open=2, min_floor_open=1)
    plan = plan_staffing(hours, [BIG_MALL], params)
    open_rows = plan[plan["binding_rule"] != "closed"]
    minimum = open_rows["role"].map({"cashier": 2, "floor": 1})
    assert (open_rows["staff"] >= minimum).all()
    empty = open_rows[open_rows["ts"].isin(hours.loc[quiet, "ts"])]
    assert len(empty) == 2 * quiet.sum()
    assert (empty["staff"] == empty["role"].map({"cashier": 2, "floor": 1})).all()
    assert (empty["binding_rule"] == "minimum").all()


def test_raising_traffic_raises_staff_exactly_where_it_rises() -> None:
    hours = forecast_hours()
    busier = hours.copy()
    raised = busier["is_open"] & busier["ts"].dt.hour.isin([11, 16, 21])
    for column in ("traffic_p10", "traffic_p50", "traffic_p90"):
        busier.loc[raised, column] = busier.loc[raised, column] * 2 + 150
    before = by_hour_and_role(plan_staffing(hours, [BIG_MALL]))
    after = by_hour_and_role(plan_staffing(busier, [BIG_MALL]))
    raised_hours = set(hours.loc[raised, "ts"])
    in_raised = before.index.get_level_values("ts").isin(raised_hours)
    assert (after.loc[in_raised, "staff"] > before.loc[in_raised, "staff"]).all()
    pd.testing.assert_frame_equal(after.loc[~in_raised], before.loc[~in_raised])


def test_store_maximum_caps_total_staff_and_says_so() -> None:
    small = StoreProfile("S1", "mall", size_sqm=100)  # 100 m² / 20 m² per person: 5 people
    hours = forecast_hours()
    hours.loc[hours["is_open"], ["traffic_p10", "traffic_p50", "traffic_p90"]] = [300, 400, 500]
    plan = plan_staffing(hours, [small], language="en")
    assert set(plan["binding_rule"]) <= set(BINDING_RULES)
    open_rows = plan[plan["binding_rule"] != "closed"]
    assert (open_rows.groupby("ts")["staff"].sum() == 5).all()
    capped = open_rows[open_rows["binding_rule"] == "maximum"]
    assert not capped.empty
    assert (capped["staff"] < capped["required"]).all()
    assert capped["rationale"].str.contains("store maximum of 5 staff").all()
    assert capped["rationale"].str.contains("risk").all()
    # The till comes first: cashiers keep what they need unless the floor minimum is at stake.
    cashiers = open_rows[open_rows["role"] == "cashier"]
    assert (cashiers["staff"] == np.minimum(cashiers["required"], 5 - 1)).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planning_on_p80_never_staffs_below_p50(seed: int) -> None:
    hours = forecast_hours(seed=seed)
    median = plan_staffing(hours, [BIG_MALL], StaffingParameters(planning_quantile=0.5))
    cautious = plan_staffing(hours, [BIG_MALL], StaffingParameters(planning_quantile=0.8))
    assert set(median["planned_quantile"]) == {"p50"}
    assert set(cautious["planned_quantile"]) == {"p80"}
    assert (cautious["traffic_planned"].to_numpy() >= median["traffic_planned"].to_numpy()).all()
    assert (cautious["staff"].to_numpy() >= median["staff"].to_numpy()).all()
    assert (cautious["staff"].to_numpy() > median["staff"].to_numpy()).any()


def test_planned_traffic_hits_forecast_quantiles_and_repairs_crossings() -> None:
    p10, p50, p90 = np.array([10.0, 30.0]), np.array([20.0, 20.0]), np.array([40.0, 10.0])
    assert planned_traffic(p10, p50, p90, 0.1).tolist() == [10.0, 10.0]
    assert planned_traffic(p10, p50, p90, 0.5).tolist() == [20.0, 20.0]
    assert planned_traffic(p10, p50, p90, 0.9).tolist() == [40.0, 30.0]
    levels = [planned_traffic(p10, p50, p90, q) for q in np.linspace(0.1, 0.9, 17)]
    assert all((low <= high).all() for low, high in itertools.pairwise(levels))


def test_cashiers_are_the_fewest_meeting_the_service_level() -> None:
    params = StaffingParameters()
    plan = plan_staffing(forecast_hours(), [BIG_MALL], params)
    decided = plan[plan["binding_rule"] == "service_level"]
    assert len(decided) > 10
    for row in decided.itertuples():
        arrivals, service, wait = row.expected_transactions, 2 / 60, 3 / 60
        assert row.service_level >= 0.8
        assert service_level(arrivals, service, row.staff, wait) == row.service_level
        assert service_level(arrivals, service, row.staff - 1, wait) < 0.8


def test_floor_follows_the_labour_standard() -> None:
    plan = plan_staffing(forecast_hours(), [BIG_MALL])
    floor = plan[plan["binding_rule"] == "labour_standard"]
    assert len(floor) > 10
    assert (floor["staff"] * 40 >= floor["traffic_planned"] - 1e-9).all()
    assert ((floor["staff"] - 1) * 40 < floor["traffic_planned"]).all()


def test_store_conversion_rate_overrides_the_format_default() -> None:
    hours = forecast_hours()
    default = plan_staffing(hours, [BIG_MALL])
    converts_more = plan_staffing(hours, [StoreProfile("S1", "mall", 2000, conversion_rate=0.7)])
    assert np.allclose(converts_more["expected_transactions"], 2 * default["expected_transactions"])


def test_rationale_quotes_the_plan_in_both_languages() -> None:
    hours = forecast_hours()
    english = plan_staffing(hours, [BIG_MALL], language="en")
    spanish = plan_staffing(hours, [BIG_MALL], language="es")
    row = english[english["binding_rule"] == "service_level"].iloc[0]
    traffic, tickets = round(row.traffic_planned), round(row.expected_transactions)
    assert row.rationale.startswith(f"P80 traffic {traffic} → {tickets} tickets/h; {row.staff} ")
    assert "under 3 min (target 80%)" in row.rationale
    same_row = spanish.loc[row.name]
    assert same_row.rationale.startswith(f"Tráfico P80 {traffic} → {tickets} tickets/h")
    assert f"{math.floor(row.service_level * 100)}% de las esperas" in same_row.rationale


def test_open_hours_without_a_forecast_are_refused() -> None:
    hours = forecast_hours()
    hours.loc[hours["is_open"].idxmax(), "traffic_p90"] = np.nan
    with pytest.raises(NightshiftError, match="no forecast"):
        plan_staffing(hours, [BIG_MALL])


def test_inconsistent_inputs_are_refused() -> None:
    with pytest.raises(NightshiftError, match="without a profile"):
        plan_staffing(forecast_hours(store_id="S9"), [BIG_MALL])
    with pytest.raises(NightshiftError, match="two rows"):
        plan_staffing(pd.concat([forecast_hours(), forecast_hours()]), [BIG_MALL])
    with pytest.raises(ConfigError):
        StaffingParameters(planning_quantile=0.95)
    with pytest.raises(ConfigError):
        StaffingParameters(min_shift_hours=6, max_shift_hours=4)
    with pytest.raises(ConfigError):
        StoreProfile("S1", "kiosk", 50)  # type: ignore[arg-type]


def test_worked_example_in_the_docs_holds() -> None:
    # docs/staffing-model.md: P80 of (80, 100, 140) is 130 customers, 45.5 tickets/h; 2 cashiers
    # serve only 68% within 3 min, 3 serve 97%; the floor needs ceiling(130 / 40) = 4.
    params = StaffingParameters()
    mall = StoreProfile("M", "mall", 500)
    traffic = planned_traffic(np.array([80.0]), np.array([100.0]), np.array([140.0]), 0.8)[0]
    assert traffic == pytest.approx(130.0)
    cashier, floor = decide_hour(mall, params, True, traffic)
    assert (cashier.staff, cashier.binding_rule) == (3, "service_level")
    assert cashier.service_level is not None
    assert service_level(45.5, 2 / 60, 2, 3 / 60) < 0.8 <= cashier.service_level
    assert (floor.staff, floor.binding_rule) == (4, "labour_standard")
    # The 100 m² street store at 300 customers: 4 cashiers fit, the floor keeps only its minimum.
    cashier, floor = decide_hour(StoreProfile("S", "street", 100), params, True, 300.0)
    assert (cashier.staff, floor.staff, floor.required) == (4, 1, 10)
    assert floor.binding_rule == "maximum"
