"""Replaying simulated days with a given staffing schedule, and the oracle's expectations."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from pipelines.simulator.catalog import catalog_for
from pipelines.simulator.engine import Simulation, simulate_day, start_simulation
from pipelines.simulator.oracle import true_effects
from pipelines.simulator.replay import replay

START = date(2025, 3, 1)
DAYS = [START + timedelta(days=20 + k) for k in range(7)]


@pytest.fixture(scope="module")
def warmed() -> Simulation:
    """Five stores simulated for 20 days: the state the replays continue from."""
    sim = start_simulation(5, START, DAYS[-1], seed=4, country="PE")
    for k in range(20):
        simulate_day(sim, START + timedelta(days=k))
    return sim


def test_replaying_the_simulators_own_staffing_reproduces_the_simulation(
    warmed: Simulation,
) -> None:
    normal = copy.deepcopy(warmed)
    outputs = [simulate_day(normal, day) for day in DAYS]
    on_duty = {output.day: output.hourly.staff for output in outputs}

    result = replay(warmed, DAYS, on_duty.__getitem__, absences=False)
    for expected, got in zip(outputs, result.days, strict=True):
        for table in ("transactions", "door_counts", "staffing", "promotions", "product_costs"):
            assert getattr(got, table).equals(getattr(expected, table)), (got.day, table)
        assert got.reviews == expected.reviews
    # The managers' own plan (no schedule) is the simulation too, and the input is untouched.
    managers = replay(warmed, DAYS, lambda _day: None)
    assert managers.days[-1].transactions.equals(outputs[-1].transactions)


def test_more_staff_lose_fewer_sales_and_nobody_on_duty_sells_nothing(
    warmed: Simulation,
) -> None:
    base = replay(warmed, DAYS, lambda _day: None).summary()
    doubled = {d.day: d.hourly.staff * 2 for d in replay(warmed, DAYS, lambda _day: None).days}
    more = replay(warmed, DAYS, doubled.__getitem__).summary()
    assert more["visitors"].item() == base["visitors"].item()  # the same customers came
    assert more["lost_sales"].item() < base["lost_sales"].item()
    assert more["service_level"].item() >= base["service_level"].item()
    assert more["labour_hours"].item() > base["labour_hours"].item()

    empty = replay(warmed, DAYS[:1], lambda _day: np.zeros((5, 24), dtype=int))
    hours = empty.hours
    assert (hours["staff"] == 0).all() and (hours["tickets"] == 0).all()
    assert (hours["served_in_time"] == 0).all()
    assert hours["lost_sales"].sum() == 0  # no ticket, no average ticket to value them at
    assert (hours["lost_tickets"] > 0).any()


def test_the_oracle_expects_what_the_simulation_sells(warmed: Simulation) -> None:
    normal = copy.deepcopy(warmed)
    sold = []
    for day in DAYS:
        output = simulate_day(normal, day)
        sold += [(store_id, day, value) for store_id, value in zip(
            normal.stores.ids, output.sales, strict=True)]  # fmt: skip
    sold_frame = pd.DataFrame(sold, columns=["store_id", "date", "sales"])
    # A 0% "promotion" of each store's first category on each day: the expected day as planned.
    first = [catalog_for(f).categories[0] for f in warmed.stores.formats]
    category = dict(zip(warmed.stores.ids, first, strict=True))
    candidates = sold_frame.assign(category=sold_frame["store_id"].map(category), discount_pct=0.0)
    expected = true_effects(warmed, candidates, draws=64)
    assert (expected["true_sales_lift"] == 0).all() and (expected["true_margin_lift"] == 0).all()
    # "Without" takes out a planned promotion of the category: compare where there was none.
    promoted = [
        ((warmed.promotions.active(day)["store_id"] == store)
         & (warmed.promotions.active(day)["category"] == category[store])).any()
        for store, day in zip(sold_frame["store_id"], sold_frame["date"], strict=True)
    ]  # fmt: skip
    open_days = (sold_frame["sales"] > 0) & ~np.array(promoted)
    expected_sales = expected.loc[open_days, "true_sales_without"].sum()
    ratio = sold_frame.loc[open_days, "sales"].sum() / expected_sales
    assert ratio == pytest.approx(1.0, abs=0.04)
    selling = expected["true_sales_without"] > 0
    assert (expected["true_margin_without"] < expected["true_sales_without"])[selling].all()
