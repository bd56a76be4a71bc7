"""The simulator's ground truth for a promotion: the expected sales and margin of a store-day
with and without it, from the simulator's own rules (never from data).

A forecaster only ever sees one world; the simulator can price both. For each scenario the
day's hours are drawn many times with the same seeds (the simulator's noise, walk-ins,
conversion, understaffing and the managers' staffing, as ``traffic.simulate_hourly_traffic``
draws them) and averaged; the basket is exact: lines per ticket, the category mix a discount
pulls towards, shelf prices, quantities and unit costs. A candidate's channel is marketing's
usual mix (half in store, a quarter app, a quarter web): nightshift proposes the category, day
and depth, not the channel, and no model sees channels.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd

from pipelines.simulator.catalog import catalog_for
from pipelines.simulator.engine import TREND_ORIGIN, Simulation
from pipelines.simulator.formats import PROFILES
from pipelines.simulator.pos import EXTRA_QUANTITY, price_level
from pipelines.simulator.promotions import (
    CATEGORY_PULL_PER_DISCOUNT,
    PromotionPlan,
    promotion_effect,
)
from pipelines.simulator.stores import Stores
from pipelines.simulator.traffic import simulate_hourly_traffic, store_level

# Basket-size multipliers (members' and walk-ins') are lognormal(0, 0.35): mean exp(0.35^2/2).
MEAN_SPEND = float(np.exp(0.35**2 / 2))
CHANNEL_MIX = {"tienda": 0.5, "app": 0.25, "web": 0.25}
ACTIVE_COLUMNS = ["store_id", "category", "discount_pct", "channel"]
DRAWS = 256
TRUTH_COLUMNS = (
    "true_sales_with",
    "true_sales_without",
    "true_sales_lift",
    "true_margin_with",
    "true_margin_without",
    "true_margin_lift",
)


def take_stores(stores: Stores, index: np.ndarray) -> Stores:
    """Virtual stores: copies of ``stores[index]``, each with an id of its own."""
    index = np.asarray(index, dtype=int)
    arrays = {
        field.name: getattr(stores, field.name)[index]
        for field in dataclasses.fields(stores)
        if isinstance(getattr(stores, field.name), np.ndarray)
    }
    arrays["ids"] = np.array([f"v{i}" for i in range(len(index))], dtype=object)
    return dataclasses.replace(
        stores,
        table=stores.table.iloc[index].reset_index(drop=True),
        opening_hours=[stores.opening_hours[i] for i in index],
        **arrays,
    )


def _basket(stores: Stores, discount: np.ndarray, day: date) -> tuple[np.ndarray, np.ndarray]:
    """Expected sales and margin per ticket (PEN) of each store given its category discounts."""
    sales = np.zeros(len(stores))
    margin = np.zeros(len(stores))
    level = price_level(day)
    for s in range(len(stores)):
        fmt = stores.formats[s]
        catalog = catalog_for(fmt)
        k = len(catalog.categories)
        prices = np.round(catalog.list_price * stores.price_index[s] * level * 10) / 10
        costs = catalog.unit_cost * level
        count = np.bincount(catalog.product_category, minlength=k)
        price = np.bincount(catalog.product_category, weights=prices, minlength=k) / count
        cost = np.bincount(catalog.product_category, weights=costs, minlength=k) / count
        d = discount[s, :k]
        weights = catalog.category_weights * (1 + CATEGORY_PULL_PER_DISCOUNT * d)
        share = weights / weights.sum()
        lines = 1 + PROFILES[fmt].extra_lines * MEAN_SPEND
        quantity = 1 + EXTRA_QUANTITY[fmt]
        sales[s] = lines * quantity * float(share @ (price * (1 - d)))
        margin[s] = lines * quantity * float(share @ (price * (1 - d) - cost))
    return sales, margin


def _expected(
    sim: Simulation,
    day: date,
    virtual: Stores,
    active: pd.DataFrame,
    draws: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected (sales, margin) of each virtual store on ``day`` with ``active`` promotions."""
    plan = PromotionPlan(active.assign(date=day, announced_on=day))
    promo = promotion_effect(plan, virtual, day)
    level = store_level(virtual, (day - TREND_ORIGIN).days, np.datetime64(day))
    open_mask = virtual.open_mask(day)
    temperature, rain = sim.weather.for_stores(day, virtual.city)
    context = sim.contexts[day]
    tickets = np.zeros(len(virtual))
    for k in range(draws):
        rng = np.random.default_rng([seed, day.toordinal(), k])
        hours = simulate_hourly_traffic(
            virtual, context, level, open_mask, temperature, rain, promo, rng
        )
        tickets += (hours.visitors * hours.conversion).sum(axis=1)
    per_ticket_sales, per_ticket_margin = _basket(virtual, promo.category_discount, day)
    tickets /= draws
    return tickets * per_ticket_sales, tickets * per_ticket_margin


def true_effects(
    sim: Simulation, candidates: pd.DataFrame, draws: int = DRAWS, seed: int = 0
) -> pd.DataFrame:
    """``candidates`` (store_id, date, category, discount_pct) with TRUTH_COLUMNS: the store's
    expected sales and margin that day with the candidate on top of marketing's plan (replacing
    a planned promotion of the same category) and without any promotion of that category."""
    out = candidates.reset_index(drop=True).copy()
    for column in TRUTH_COLUMNS:
        out[column] = np.nan
    index_of = {store_id: i for i, store_id in enumerate(sim.stores.ids)}
    days = pd.to_datetime(out["date"]).dt.date
    for day in sorted(set(days)):
        rows = np.flatnonzero((days == day).to_numpy())
        store = np.array([index_of[s] for s in out.loc[rows, "store_id"]])
        categories = out.loc[rows, "category"].to_numpy()
        planned = sim.promotions.active(day)
        scenarios: dict[str, list[tuple]] = {"without": [], **{c: [] for c in CHANNEL_MIX}}
        for v, (s, category) in enumerate(zip(store, categories, strict=True)):
            mine = planned[
                (planned["store_id"] == sim.stores.ids[s]) & (planned["category"] != category)
            ]
            base = [
                (f"v{v}", r.category, float(r.discount_pct), r.channel) for r in mine.itertuples()
            ]
            scenarios["without"] += base
            pct = float(out.loc[rows[v], "discount_pct"])
            for channel in CHANNEL_MIX:
                scenarios[channel] += [*base, (f"v{v}", category, pct, channel)]
        virtual = take_stores(sim.stores, store)
        results = {}
        for name, entries in scenarios.items():
            active = pd.DataFrame(entries, columns=ACTIVE_COLUMNS)
            results[name] = _expected(sim, day, virtual, active, draws, seed)
        with_sales = sum(CHANNEL_MIX[c] * results[c][0] for c in CHANNEL_MIX)
        with_margin = sum(CHANNEL_MIX[c] * results[c][1] for c in CHANNEL_MIX)
        out.loc[rows, "true_sales_with"] = with_sales
        out.loc[rows, "true_sales_without"] = results["without"][0]
        out.loc[rows, "true_margin_with"] = with_margin
        out.loc[rows, "true_margin_without"] = results["without"][1]
    out["true_sales_lift"] = out["true_sales_with"] - out["true_sales_without"]
    out["true_margin_lift"] = out["true_margin_with"] - out["true_margin_without"]
    return out
