"""Small synthetic daily sales panels with a clear weekly pattern and promotion effect.

Sales = store size x category weight x weekday factor x payday bump x (1 + lift x discount)
x lognormal noise; promoted categories sell more, so the model has something to learn and the
counterfactual a known direction. Zero-sale days are left out of the rows, like the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

WEEKDAY = np.array([0.8, 0.85, 0.9, 1.0, 1.25, 1.6, 1.1])  # Monday..Sunday
CATEGORIES = {
    "abarrotes": 1.0,
    "bebidas": 0.7,
    "panaderia": 0.45,
    "snacks": 0.35,
    "cuidado_personal": 0.25,
    "limpieza": 0.05,
}
PROMO_LIFT_PER_DISCOUNT = 4.0  # 20% off -> 1.8x the category's sales
PAYDAY_LIFT = 1.2


@dataclass(frozen=True)
class SyntheticPanel:
    sales: pd.DataFrame  # store_id, category, date, sales
    promotions: pd.DataFrame  # store_id, date, category, discount_pct


def synthetic_panel(
    stores: int = 3,
    days: int = 160,
    start: str = "2024-01-01",
    seed: int = 0,
    promo_rate: float = 0.06,
    plan_ahead: int = 14,
) -> SyntheticPanel:
    """``days`` of sales from ``start``; promotions also for ``plan_ahead`` days after them."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days + plan_ahead, freq="D")
    weekday = WEEKDAY[dates.day_of_week]
    is_payday = (dates.day == 15) | (dates.day == dates.days_in_month)
    payday = np.where(is_payday, PAYDAY_LIFT, 1.0)
    history = np.arange(len(dates)) < days
    sales_frames, promo_frames = [], []
    for s in range(stores):
        store_id = f"S{s + 1:02d}"
        size = 2000.0 * (1.0 + s)
        for category, weight in CATEGORIES.items():
            promoted = rng.random(len(dates)) < promo_rate
            discount = np.where(promoted, rng.choice([10, 20, 30], len(dates)), 0)
            mean = size * weight * weekday * payday * (1 + PROMO_LIFT_PER_DISCOUNT * discount / 100)
            values = np.round(mean * rng.lognormal(-0.005, 0.1, len(dates)), 2)
            if weight < 0.1:  # a slow category: many days without a single sale
                values = np.where(rng.random(len(dates)) < 0.4, 0.0, values)
            sold = (values > 0) & history
            sales_frames.append(
                pd.DataFrame(
                    {
                        "store_id": store_id,
                        "category": category,
                        "date": dates[sold],
                        "sales": values[sold],
                    }
                )
            )
            promo_frames.append(
                pd.DataFrame(
                    {
                        "store_id": store_id,
                        "date": dates[promoted],
                        "category": category,
                        "discount_pct": discount[promoted],
                    }
                )
            )
    return SyntheticPanel(
        sales=pd.concat(sales_frames, ignore_index=True),
        promotions=pd.concat(promo_frames, ignore_index=True),
    )
