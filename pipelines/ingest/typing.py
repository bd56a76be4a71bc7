"""Cast a raw (all-text) frame to typed columns without losing rows.

A value that does not parse becomes NaN/NaT so the gate's expectations can name it; the raw text
stays in raw.* and goes to quarantine with the row.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

TS_FORMAT = "%Y-%m-%d %H:%M:%S"


def _ts(series: pd.Series) -> pd.Series:
    # Accept ISO 'T' separators and minute precision (Open-Meteo's "2026-11-21T00:00").
    normalised = series.str.replace("T", " ", regex=False)
    normalised = normalised.where(normalised.str.len() != 16, normalised + ":00")
    return pd.to_datetime(normalised, format=TS_FORMAT, errors="coerce")


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="%Y-%m-%d", errors="coerce")


CASTS: dict[str, dict[str, Callable[[pd.Series], pd.Series]]] = {
    "pos_lines": {
        "ts": _ts,
        "line_id": _num,
        "quantity": _num,
        "unit_price": _num,
        "discount": _num,
        "amount": _num,
    },
    "door_counts": {"ts": _ts, "count": _num},
    "staffing": {"ts": _ts, "staff_on_duty": _num},
    "promotions": {"date": _date, "discount_pct": _num},
    "product_costs": {"unit_cost": _num},
    "reviews": {"ts": _ts, "rating": _num},
    "weather": {
        "ts": _ts,
        "latitude": _num,
        "longitude": _num,
        "temperature_2m": _num,
        "precipitation": _num,
        "relative_humidity_2m": _num,
    },
}

# Natural keys: a second row with the same key is a duplicate (the first one is kept).
KEYS: dict[str, tuple[str, ...]] = {
    "pos_lines": ("ticket_id", "line_id"),
    "door_counts": ("store_id", "ts"),
    "staffing": ("store_id", "ts"),
    # Exports overlap from one day to the next (a 15-day calendar, a 14-day forecast): their
    # rows are only duplicates within the same export.
    "promotions": ("business_date", "promo_id", "store_id", "date"),
    # One cost per product in each night's catalogue export.
    "product_costs": ("business_date", "product"),
    "reviews": ("review_id",),
    "weather": ("business_date", "kind", "city", "ts"),
}


# The column whose calendar day must fall on (or within days of) the row's business date
# (None: the dataset has no date of its own; a cost list is valid from its business date).
OFFSET_OF: dict[str, str | None] = {"promotions": "date", "product_costs": None}


def typed_frame(dataset: str, raw: pd.DataFrame) -> pd.DataFrame:
    """Typed columns plus ``<column>_offset_days``: days between the row's timestamp (or date)
    and its business date, so one expectation checks a single night and a history range alike."""
    frame = raw.copy()
    for column, cast in CASTS[dataset].items():
        frame[column] = cast(frame[column])
    business_date = frame["business_date"] = _date(frame["business_date"])
    dated = OFFSET_OF.get(dataset, "ts")
    if dated is not None:
        frame[f"{dated}_offset_days"] = (frame[dated].dt.normalize() - business_date).dt.days
    return frame
