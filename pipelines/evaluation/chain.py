"""A simulated chain held in memory: the history nightshift would have in its warehouse, and the
simulation itself, whose rules know the truth (no files, no database).

The frames have the shapes the nightly reads from ``core`` (see ``sql/training``), built from
the same landing tables a simulation writes, so the models see what they would see in
production: door counts with outages, promotions as announced, costs as exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.simulator.engine import DayOutput, Simulation, simulate_day, start_simulation

# Days of lines a store-category's cost share is measured over (as the nightly measures it).
COST_SHARE_DAYS = 28


@dataclass
class ChainHistory:
    """What landed, day by day, plus the simulation's state after the last day."""

    sim: Simulation
    sales: list[pd.DataFrame] = field(default_factory=list)  # store_id, category, date, sales
    baskets: list[pd.DataFrame] = field(default_factory=list)  # ..., list_sales, cost
    counts: list[pd.DataFrame] = field(default_factory=list)  # location_id, ts, count
    staffing: dict[date, np.ndarray] = field(default_factory=dict)  # (stores, 24) on duty
    tickets: dict[date, np.ndarray] = field(default_factory=dict)  # (stores, 24)
    exports: list[pd.DataFrame] = field(default_factory=list)  # promotions as exported

    @property
    def last_day(self) -> date:
        return max(self.staffing)

    def sales_frame(self) -> pd.DataFrame:
        return pd.concat(self.sales, ignore_index=True)

    def promotions_frame(self) -> pd.DataFrame:
        """Each promotion row as last exported, with the day it was first announced
        (``first_seen``), like models.sales.landing.planned_promotions."""
        plan = pd.concat(self.exports, ignore_index=True)
        keys = ["store_id", "date", "category"]
        plan = plan.sort_values([*keys, "exported_on"])
        first_seen = plan.groupby(keys)["exported_on"].transform("min")
        latest = plan.assign(first_seen=first_seen).drop_duplicates(keys, keep="last")
        return latest[[*keys, "discount_pct", "first_seen"]].reset_index(drop=True)

    def counts_frame(self) -> pd.DataFrame:
        return pd.concat(self.counts, ignore_index=True)

    def cost_shares(self, last: date, days: int = COST_SHARE_DAYS) -> pd.DataFrame:
        """store_id, category, cost_share over the ``days`` up to ``last`` (what the nightly's
        sql/promotions/cost_shares.sql computes from core.pos_lines and core.product_costs)."""
        first = pd.Timestamp(last - timedelta(days=days - 1))
        baskets = pd.concat(self.baskets[-(days + 7) :], ignore_index=True)
        window = baskets[(baskets["date"] >= first) & (baskets["date"] <= pd.Timestamp(last))]
        totals = window.groupby(["store_id", "category"], as_index=False)[
            ["list_sales", "cost"]
        ].sum()
        totals["cost_share"] = totals["cost"] / totals["list_sales"]
        return totals[["store_id", "category", "cost_share"]]


def daily_weather(sim: Simulation) -> pd.DataFrame:
    """store_id, date, temp_mean, precip_sum for every simulated day (and the 14 after)."""
    hourly = sim.weather_frame.assign(date=sim.weather_frame["ts"].dt.normalize())
    daily = hourly.groupby(["city", "date"], as_index=False).agg(
        temp_mean=("temperature_2m", "mean"), precip_sum=("precipitation", "sum")
    )
    stores = pd.DataFrame({"store_id": sim.stores.ids, "city": sim.stores.city})
    return stores.merge(daily, on="city")[["store_id", "date", "temp_mean", "precip_sum"]]


def _baskets(output: DayOutput) -> tuple[pd.DataFrame, pd.DataFrame]:
    lines = output.transactions.select(
        ["store_id", "category", "product", "quantity", "unit_price", "amount"]
    )
    costs = output.product_costs
    products, unit_costs = (
        costs.column("product").to_pylist(),
        costs.column("unit_cost").to_pylist(),
    )
    cost_of = dict(zip(products, unit_costs, strict=True))
    product = lines.column("product").to_numpy(zero_copy_only=False)
    quantity = lines.column("quantity").to_numpy()
    unit_cost = np.array([cost_of.get(p, np.nan) for p in product], dtype=float)
    table = pa.table(
        {
            "store_id": lines.column("store_id"),
            "category": lines.column("category"),
            "sales": lines.column("amount"),
            "list_sales": pa.array(quantity * lines.column("unit_price").to_numpy()),
            "cost": pa.array(quantity * unit_cost),
        }
    )
    grouped = table.group_by(["store_id", "category"]).aggregate(
        [("sales", "sum"), ("list_sales", "sum"), ("cost", "sum")]
    )
    frame = grouped.to_pandas().rename(
        columns={"sales_sum": "sales", "list_sales_sum": "list_sales", "cost_sum": "cost"}
    )
    frame["date"] = pd.Timestamp(output.day)
    sales = frame[["store_id", "category", "date", "sales"]]
    return sales, frame[["store_id", "category", "date", "list_sales", "cost"]]


def record(history: ChainHistory, output: DayOutput) -> None:
    """Add one simulated day's landing tables to ``history``."""
    sales, baskets = _baskets(output)
    history.sales.append(sales)
    history.baskets.append(baskets)
    counts = output.door_counts.to_pandas()
    history.counts.append(
        pd.DataFrame(
            {
                "location_id": counts["store_id"],
                "ts": pd.to_datetime(counts["ts"]),
                "count": counts["count"].astype(float),
            }
        )
    )
    history.staffing[output.day] = output.hourly.staff.copy()
    history.tickets[output.day] = output.hourly.tickets.copy()
    export = output.promotions.to_pandas()
    history.exports.append(
        pd.DataFrame(
            {
                "store_id": export["store_id"],
                "date": pd.to_datetime(export["date"]),
                "category": export["category"],
                "discount_pct": export["discount_pct"].astype(float),
                "exported_on": pd.Timestamp(output.day),
            }
        )
    )


def simulate_chain(
    stores: int, start: date, end: date, seed: int, horizon_end: date | None = None
) -> ChainHistory:
    """Simulate ``start``..``end`` in memory. ``horizon_end`` (default ``end``): the last day the
    simulation is prepared for (weather, calendar and promotions reach 14 days past it), so it
    can be continued — or replayed — that far."""
    sim = start_simulation(stores, start, horizon_end or end, seed, "PE")
    history = ChainHistory(sim=sim)
    day = start
    while day <= end:
        record(history, simulate_day(sim, day))
        day += timedelta(days=1)
    return history


def continue_chain(history: ChainHistory, last: date) -> None:
    """Simulate the days after ``history.last_day`` up to ``last`` as the chain runs them."""
    day = history.last_day + timedelta(days=1)
    while day <= last:
        record(history, simulate_day(history.sim, day))
        day += timedelta(days=1)
