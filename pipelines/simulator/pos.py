"""Point-of-sale tickets and their lines for one day, all stores at once.

Tickets come from ``HourlyTraffic.tickets``. Member visits are matched to tickets of the same
store-hour; the rest stay anonymous. Lines pick categories by the store's mix (promoted
categories pulled up), products within the category, quantities, prices and discounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from pipelines.simulator.catalog import Catalog, catalog_for
from pipelines.simulator.formats import PROFILES
from pipelines.simulator.promotions import CATEGORY_PULL_PER_DISCOUNT
from pipelines.simulator.stores import Stores

PAYMENT_TYPES = np.array(["cash", "card", "yape", "plin"], dtype=object)
# Base payment mix (cash, card, yape, plin); Yape eats into cash a little more each year.
PAYMENT_MIX = {"store": (0.38, 0.34, 0.20, 0.08), "restaurant": (0.25, 0.50, 0.18, 0.07)}
YAPE_GROWTH_PER_YEAR = 0.04
PRICE_INFLATION_PER_YEAR = 0.03
PRICE_REFERENCE = np.datetime64("2024-01", "M")
EXTRA_QUANTITY = {"mall": 0.35, "street": 0.30, "restaurant": 0.45}


@dataclass(frozen=True)
class Tickets:
    """One entry per ticket, ordered by store then time."""

    store: np.ndarray
    hour: np.ndarray
    second_of_day: np.ndarray
    member: np.ndarray  # index into Customers, -1 when anonymous
    seq: np.ndarray  # 1..n within store-day, in time order

    def __len__(self) -> int:
        return len(self.store)


@dataclass(frozen=True)
class Lines:
    ticket: np.ndarray  # index into Tickets
    line_no: np.ndarray
    category: np.ndarray  # object array of category names
    product: np.ndarray  # object array of product names
    quantity: np.ndarray
    unit_price: np.ndarray  # PEN, rounded to 0.10
    discount: np.ndarray  # PEN, rounded to cents
    amount: np.ndarray


def _group_rank(keys: np.ndarray) -> np.ndarray:
    """0-based position of each element within its run of equal (sorted) keys."""
    if len(keys) == 0:
        return np.zeros(0, dtype=int)
    starts = np.r_[0, np.flatnonzero(np.diff(keys)) + 1]
    lengths = np.diff(np.r_[starts, len(keys)])
    return np.arange(len(keys)) - np.repeat(starts, lengths)


def match_visits(
    tickets_per_hour: np.ndarray,
    visit_store: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Give each member visit an hour and a ticket slot; returns (kept mask, hour, slot).

    A member arrives in an hour with probability proportional to that hour's tickets; if an
    hour has fewer tickets than visiting members the extra members left without buying.
    """
    totals = tickets_per_hour.sum(axis=1)
    has_tickets = totals[visit_store] > 0
    cumulative = np.cumsum(tickets_per_hour, axis=1)[visit_store]
    draw = rng.random(len(visit_store)) * totals[visit_store]
    hour = np.minimum((cumulative <= draw[:, None]).sum(axis=1), 23)
    key = visit_store * 24 + hour
    order = np.lexsort((rng.random(len(key)), key))
    slot = np.empty(len(key), dtype=int)
    slot[order] = _group_rank(key[order])
    kept = has_tickets & (slot < tickets_per_hour[visit_store, hour])
    return kept, hour, slot


def build_tickets(
    tickets_per_hour: np.ndarray,
    visit_store: np.ndarray,
    visit_hour: np.ndarray,
    visit_slot: np.ndarray,
    visit_member: np.ndarray,
    rng: np.random.Generator,
) -> Tickets:
    counts = tickets_per_hour.ravel()
    cell = np.repeat(np.arange(len(counts)), counts)  # store*24 + hour, sorted
    member = np.full(len(cell), -1)
    cell_start = np.r_[0, np.cumsum(counts)[:-1]]
    member[cell_start[visit_store * 24 + visit_hour] + visit_slot] = visit_member
    store, hour = cell // 24, cell % 24
    second = hour * 3600 + rng.integers(0, 3600, len(cell))
    order = np.lexsort((second, store))
    store, hour, second, member = store[order], hour[order], second[order], member[order]
    return Tickets(store, hour, second, member, _group_rank(store) + 1)


def payment_types(
    stores: Stores, tickets: Tickets, day: date, rng: np.random.Generator
) -> np.ndarray:
    """cash | card | yape | plin per ticket; Yape gains on cash as the years go by."""
    years = max((np.datetime64(day, "M") - PRICE_REFERENCE).astype(int) / 12.0, 0.0)
    shift = min(YAPE_GROWTH_PER_YEAR * years, 0.15)
    result = np.empty(len(tickets), dtype=object)
    for family, mix in PAYMENT_MIX.items():
        cash, card, yape, plin = mix
        probabilities = np.array([cash - shift, card, yape + shift, plin])
        is_restaurant = stores.formats[tickets.store] == "restaurant"
        rows = np.flatnonzero(is_restaurant if family == "restaurant" else ~is_restaurant)
        result[rows] = rng.choice(PAYMENT_TYPES, len(rows), p=probabilities / probabilities.sum())
    return result


def price_level(day: date) -> float:
    """Prices and costs rise with inflation, month by month (1.0 in the reference month)."""
    months = (np.datetime64(day, "M") - PRICE_REFERENCE).astype(int)
    return float((1 + PRICE_INFLATION_PER_YEAR) ** (months / 12.0))


def _lines_for_family(
    catalog: Catalog,
    stores: Stores,
    tickets: Tickets,
    rows: np.ndarray,
    spend: np.ndarray,
    category_discount: np.ndarray,
    day: date,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    store = tickets.store[rows]
    extra = np.array([PROFILES[f].extra_lines for f in stores.formats])
    n_lines = 1 + rng.poisson(extra[store] * spend[rows])
    ticket = np.repeat(rows, n_lines)
    line_store = np.repeat(store, n_lines)
    discounts = category_discount[:, : len(catalog.categories)]
    weights = catalog.category_weights[None, :] * (1 + CATEGORY_PULL_PER_DISCOUNT * discounts)
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(ticket))
    category = np.minimum(
        (cumulative[line_store] <= u[:, None]).sum(axis=1), len(catalog.categories) - 1
    )
    per_category = np.bincount(catalog.product_category, minlength=len(catalog.categories))
    first_product = np.r_[0, np.cumsum(per_category)[:-1]]
    product = first_product[category] + (rng.random(len(ticket)) * per_category[category]).astype(
        int
    )
    quantity_extra = np.array([EXTRA_QUANTITY[f] for f in stores.formats])[line_store]
    quantity = 1 + rng.poisson(quantity_extra)
    unit_price = (
        np.round(
            catalog.list_price[product] * stores.price_index[line_store] * price_level(day) * 10
        )
        / 10
    )
    discount = np.round(quantity * unit_price * discounts[line_store, category], 2)
    return {
        "ticket": ticket,
        "category": np.array(catalog.categories, dtype=object)[category],
        "product": catalog.product_names[product],
        "quantity": quantity,
        "unit_price": unit_price,
        "discount": discount,
    }


def build_lines(
    stores: Stores,
    tickets: Tickets,
    spend: np.ndarray,
    category_discount: np.ndarray,
    day: date,
    rng: np.random.Generator,
) -> Lines:
    """Line items for every ticket. ``spend`` is the basket-size multiplier per ticket."""
    is_restaurant = stores.formats[tickets.store] == "restaurant"
    parts = [
        _lines_for_family(
            catalog_for(family),
            stores,
            tickets,
            np.flatnonzero(mask),
            spend,
            category_discount,
            day,
            rng,
        )
        for family, mask in (("street", ~is_restaurant), ("restaurant", is_restaurant))
    ]
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.argsort(merged["ticket"], kind="stable")
    merged = {key: value[order] for key, value in merged.items()}
    amount = np.round(merged["quantity"] * merged["unit_price"] - merged["discount"], 2)
    return Lines(
        ticket=merged["ticket"],
        line_no=_group_rank(merged["ticket"]) + 1,
        category=merged["category"],
        product=merged["product"],
        quantity=merged["quantity"],
        unit_price=merged["unit_price"],
        discount=merged["discount"],
        amount=amount,
    )
