"""Arrow tables in the landing contract's columns, from one day's simulated arrays."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.simulator.catalog import RESTAURANT_PRODUCTS, STORE_PRODUCTS
from pipelines.simulator.customers import member_code
from pipelines.simulator.pos import Lines, Tickets, price_level
from pipelines.simulator.reviews import write_texts

SECONDS_PER_DAY = 86_400


def at_seconds(day: date, seconds: np.ndarray) -> pa.Array:
    """'YYYY-MM-DD HH:MM:SS' strings for seconds since the day's midnight."""
    stamps = np.datetime64(day, "s") + seconds.astype("int64").astype("timedelta64[s]")
    return pa.array(stamps).cast(pa.string())


def at_hours(day: date, hours: np.ndarray) -> pa.Array:
    return at_seconds(day, hours.astype("int64") * 3600)


def transactions_table(
    day: date, store_ids: np.ndarray, tickets: Tickets, lines: Lines, payments: np.ndarray
) -> pa.Table:
    stamp = f"{day:%Y%m%d}"
    ticket_ids = np.array(
        [
            f"T-{store_ids[s]}-{stamp}-{q:06d}"
            for s, q in zip(tickets.store, tickets.seq, strict=True)
        ],
        dtype=object,
    )
    members = np.array([member_code(m) if m >= 0 else None for m in tickets.member], object)
    t = lines.ticket  # the ticket of each line
    return pa.table(
        {
            "ticket_id": pa.array(ticket_ids[t], pa.string()),
            "line_id": pa.array(lines.line_no, pa.int64()),
            "store_id": pa.array(store_ids[tickets.store[t]], pa.string()),
            "ts": at_seconds(day, tickets.second_of_day[t]),
            "customer_id": pa.array(members[t], pa.string()),
            "category": pa.array(lines.category, pa.string()),
            "product": pa.array(lines.product, pa.string()),
            "quantity": pa.array(lines.quantity, pa.int64()),
            "unit_price": pa.array(lines.unit_price, pa.float64()),
            "discount": pa.array(lines.discount, pa.float64()),
            "payment_type": pa.array(payments[t], pa.string()),
            "amount": pa.array(lines.amount, pa.float64()),
        }
    )


def door_counts_table(
    day: date, store_ids: np.ndarray, opened: np.ndarray, counts: np.ndarray
) -> pa.Table:
    """All 24 hours of every opened store: 0 while closed, NULL while the counter is down."""
    stores = np.repeat(np.flatnonzero(opened), 24)
    hours = np.tile(np.arange(24), int(opened.sum()))
    return pa.table(
        {
            "store_id": pa.array(store_ids[stores], pa.string()),
            "ts": at_hours(day, hours),
            "count": pa.array(counts[stores, hours], pa.int64(), from_pandas=True),
        }
    )


def staffing_table(
    day: date, store_ids: np.ndarray, open_mask: np.ndarray, staff: np.ndarray
) -> pa.Table:
    """Open hours only."""
    stores, hours = np.nonzero(open_mask)
    return pa.table(
        {
            "store_id": pa.array(store_ids[stores], pa.string()),
            "ts": at_hours(day, hours),
            "staff_on_duty": pa.array(staff[stores, hours], pa.int64()),
        }
    )


def promotions_table(export: pd.DataFrame) -> pa.Table:
    return pa.table(
        {
            "promo_id": pa.array(export["promo_id"], pa.string()),
            "store_id": pa.array(export["store_id"], pa.string()),
            "date": pa.array([d.isoformat() for d in export["date"]], pa.string()),
            "category": pa.array(export["category"], pa.string()),
            "discount_pct": pa.array(export["discount_pct"], pa.int64()),
            "channel": pa.array(export["channel"], pa.string()),
        }
    )


def product_costs_table(day: date) -> pa.Table:
    """The catalogue's unit costs valid on ``day`` (PEN, what the chain pays per unit): every
    product of both format families once, costs rising with inflation like the prices."""
    level = price_level(day)
    products = [STORE_PRODUCTS, RESTAURANT_PRODUCTS]
    names = np.concatenate([c.product_names for c in products])
    categories = np.concatenate(
        [np.array(c.categories, dtype=object)[c.product_category] for c in products]
    )
    costs = np.round(np.concatenate([c.unit_cost for c in products]) * level, 2)
    return pa.table(
        {
            "product": pa.array(names, pa.string()),
            "category": pa.array(categories, pa.string()),
            "unit_cost": pa.array(costs, pa.float64()),
        }
    )


def review_rows(
    day: date,
    store_ids: np.ndarray,
    store_formats: np.ndarray,
    tickets: Tickets,
    writers: np.ndarray,
    ratings: np.ndarray,
    causes: np.ndarray,
    first_number: int,
    rng: np.random.Generator,
) -> list[dict]:
    """One review per ticket in ``writers`` (ratings/causes are per ticket), in time order."""
    store = tickets.store[writers]
    families = np.where(store_formats[store] == "restaurant", "restaurant", "store")
    languages, texts = write_texts(ratings[writers], causes[writers], families, rng)
    # Written a little after the visit, the same evening at the latest.
    delay = rng.integers(600, 4 * 3600, len(writers))
    written = np.minimum(tickets.second_of_day[writers] + delay, SECONDS_PER_DAY - 1)
    stamps = at_seconds(day, written).to_pylist()
    rows = [
        {
            "review_id": f"R{day:%Y%m%d}-{first_number + i:07d}",
            "store_id": str(store_ids[store[i]]),
            "customer_id": member_code(m) if (m := tickets.member[ticket]) >= 0 else None,
            "ts": stamps[i],
            "rating": int(ratings[ticket]),
            "language": languages[i],
            "text": texts[i],
        }
        for i, ticket in enumerate(writers)
    ]
    return sorted(rows, key=lambda row: (row["ts"], row["review_id"]))
