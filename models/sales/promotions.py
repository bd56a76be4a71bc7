"""Same-day promotion features: the category's own discount and what the rest of the store runs.

A promotion lifts its own category but also pulls people into the store (lifting the other
categories) while taking some of their share, so the store-wide promotion load is a feature of
every category's row. The counterfactual recomputes these columns for hypothetical plans.
"""

from __future__ import annotations

import numpy as np

PROMOTION_COLUMNS = (
    "promo_active",
    "promo_discount",
    "store_promo_discount_sum",
    "store_promo_categories",
    "other_promo_discount_sum",
)


def store_day_promotions(
    discount: np.ndarray, series_store: np.ndarray, stores: int
) -> tuple[np.ndarray, np.ndarray]:
    """(stores, days) sum of discount fractions and number of promoted categories."""
    sums = np.zeros((stores, discount.shape[1]))
    counts = np.zeros((stores, discount.shape[1]))
    np.add.at(sums, series_store, discount)
    np.add.at(counts, series_store, (discount > 0).astype(float))
    return sums, counts


def promotion_columns(
    own: np.ndarray, store_sum: np.ndarray, store_count: np.ndarray
) -> dict[str, np.ndarray]:
    """The PROMOTION_COLUMNS from a row's own discount and its store's totals (own included)."""
    return {
        "promo_active": (own > 0).astype(float),
        "promo_discount": own.astype(float),
        "store_promo_discount_sum": store_sum.astype(float),
        "store_promo_categories": store_count.astype(float),
        "other_promo_discount_sum": np.maximum(store_sum - own, 0.0),
    }


def promotion_features(
    discount: np.ndarray,
    series_store: np.ndarray,
    stores: int,
    series: np.ndarray,
    store: np.ndarray,
    target: np.ndarray,
) -> dict[str, np.ndarray]:
    sums, counts = store_day_promotions(discount, series_store, stores)
    return promotion_columns(discount[series, target], sums[store, target], counts[store, target])
