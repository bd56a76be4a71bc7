"""The marketing calendar: promotions planned per store, date and category, announced ahead.

Chain-wide campaigns are announced one to three weeks before they start; a store manager's own
promotions only a few days before. An export on day D lists the promotions already announced
that run between D and D+14.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pipelines.simulator.catalog import RESTAURANT_PRODUCTS, STORE_PRODUCTS
from pipelines.simulator.stores import Stores

PROMOTION_COLUMNS = ("promo_id", "store_id", "date", "category", "discount_pct", "channel")
EXPORT_HORIZON_DAYS = 14
DISCOUNTS = np.array([10, 15, 20, 30])
CHANNELS = np.array(["tienda", "app", "tienda", "web"], dtype=object)
# How strongly a promotion pulls people in, by channel (an app-only coupon reaches fewer).
CHANNEL_REACH = {"tienda": 1.0, "app": 0.6, "web": 0.5}
TRAFFIC_LIFT_PER_DISCOUNT = 1.2  # +24% traffic for a 20% in-store promotion
CONVERSION_LIFT_PER_DISCOUNT = 0.8  # +16% conversion for a 20% in-store promotion
CATEGORY_PULL_PER_DISCOUNT = 5.0  # a 20%-off category is bought twice as often


@dataclass(frozen=True)
class PromotionPlan:
    """Every planned promotion row, with the day marketing announced it."""

    table: pd.DataFrame  # PROMOTION_COLUMNS + announced_on; date/announced_on are datetime.date

    def export(self, day: date) -> pd.DataFrame:
        """The calendar as marketing would export it on ``day``."""
        t = self.table
        horizon = day + timedelta(days=EXPORT_HORIZON_DAYS)
        rows = t[(t["announced_on"] <= day) & (t["date"] >= day) & (t["date"] <= horizon)]
        return rows.loc[:, list(PROMOTION_COLUMNS)].reset_index(drop=True)

    def active(self, day: date) -> pd.DataFrame:
        """Promotions running on ``day`` (those are, by construction, already announced)."""
        return self.table[self.table["date"] == day]


def plan_promotions(
    stores: Stores, start: date, end: date, rng: np.random.Generator
) -> PromotionPlan:
    """Draw campaigns for ``[start, end]``; a row per (promotion, store, date)."""
    rows: list[tuple] = []
    days = (end - start).days + 1
    counter = 0
    restaurant = stores.formats == "restaurant"
    families = ((~restaurant, STORE_PRODUCTS), (restaurant, RESTAURANT_PRODUCTS))

    def add(store_idx: np.ndarray, first: date, length: int, category: str, lead: int) -> None:
        nonlocal counter
        counter += 1
        promo_id = f"P{first:%Y%m%d}-{counter:05d}"
        discount = int(rng.choice(DISCOUNTS, p=[0.35, 0.25, 0.25, 0.15]))
        channel = str(rng.choice(CHANNELS))
        for offset in range(length):
            when = first + timedelta(days=offset)
            if when > end:
                break
            for s in store_idx:
                if stores.opened_on[s] > np.datetime64(when):
                    continue  # marketing does not promote a store that is not open yet
                rows.append(
                    (
                        promo_id,
                        stores.ids[s],
                        when,
                        category,
                        discount,
                        channel,
                        first - timedelta(days=lead),
                    )
                )

    for offset in range(days):
        day = start + timedelta(days=offset)
        for members, catalog in families:
            store_idx = np.flatnonzero(members)
            if len(store_idx) == 0:
                continue
            # Chain campaigns, more often around paydays (the 15th and month end).
            near_payday = day.day in (14, 15, 28, 29, 30, 31)
            if rng.random() < (0.12 if near_payday else 0.04):
                category = str(rng.choice(catalog.categories))
                add(store_idx, day, int(rng.integers(2, 6)), category, int(rng.integers(7, 22)))
            # Local promotions by individual store managers.
            for s in store_idx[rng.random(len(store_idx)) < 0.035]:
                category = str(rng.choice(catalog.categories))
                add(np.array([s]), day, int(rng.integers(1, 4)), category, int(rng.integers(1, 8)))

    table = pd.DataFrame(rows, columns=[*PROMOTION_COLUMNS, "announced_on"]).drop_duplicates(
        subset=["store_id", "date", "category"], keep="first"
    )
    return PromotionPlan(table.sort_values(["date", "store_id", "promo_id"]).reset_index(drop=True))


@dataclass(frozen=True)
class PromotionEffect:
    """What today's promotions do to each store (arrays over stores)."""

    traffic_lift: np.ndarray
    conversion_lift: np.ndarray
    # (stores, categories) discount fraction per category of the store's catalog; 0 = none
    category_discount: np.ndarray


def promotion_effect(plan: PromotionPlan, stores: Stores, day: date) -> PromotionEffect:
    n = len(stores)
    width = max(len(STORE_PRODUCTS.categories), len(RESTAURANT_PRODUCTS.categories))
    discount = np.zeros((n, width))
    reach = np.zeros(n)
    active = plan.active(day)
    if len(active):
        index = {store_id: i for i, store_id in enumerate(stores.ids)}
        for store_id, category, pct, channel in active[
            ["store_id", "category", "discount_pct", "channel"]
        ].itertuples(index=False):
            s = index[store_id]
            catalog = RESTAURANT_PRODUCTS if stores.formats[s] == "restaurant" else STORE_PRODUCTS
            discount[s, catalog.category_index(category)] = pct / 100.0
            reach[s] += pct / 100.0 * CHANNEL_REACH[channel]
    reach = np.minimum(reach, 0.5)  # stacking promotions saturates
    return PromotionEffect(
        traffic_lift=1.0 + TRAFFIC_LIFT_PER_DISCOUNT * reach,
        conversion_lift=1.0 + CONVERSION_LIFT_PER_DISCOUNT * reach,
        category_discount=discount,
    )
