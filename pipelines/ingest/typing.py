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
    "promotions": ("promo_id", "store_id", "date"),
    "reviews": ("review_id",),
    "weather": ("kind", "city", "ts"),
}


def typed_frame(dataset: str, raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.copy()
    for column, cast in CASTS[dataset].items():
        frame[column] = cast(frame[column])
    return frame
