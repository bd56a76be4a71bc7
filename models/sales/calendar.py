"""Calendar facts per day as model-ready numbers (from a given table or the PE reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.errors import NightshiftError

CALENDAR_FLAGS = ("is_holiday", "is_long_weekend", "is_payday")
CALENDAR_COLUMNS = (
    "iso_weekday",
    *CALENDAR_FLAGS,
    # Spending stays high the day after payday, and the previous week's lag may have been one.
    "after_payday",
    "day_of_month",
    "month",
)


def _reference(start: pd.Timestamp, end: pd.Timestamp, country: str) -> pd.DataFrame:
    # Imported here: the reference module pulls in SQLAlchemy, which pure callers may not need.
    from pipelines.reference.calendar import build_calendar

    rows = build_calendar(start.date(), end.date(), country)
    return pd.DataFrame(
        {
            "date": pd.to_datetime([row.date for row in rows]),
            "iso_weekday": [row.iso_weekday for row in rows],
            "is_holiday": [row.is_holiday for row in rows],
            "is_long_weekend": [row.is_long_weekend for row in rows],
            "is_payday": [row.is_payday for row in rows],
        }
    )


def calendar_table(
    start: pd.Timestamp, end: pd.Timestamp, country: str, given: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per day in ``[start, end]`` with CALENDAR_COLUMNS (floats), indexed 0..n-1.

    Days the given table lacks come from ``build_calendar(.., country)``; one extra day in front
    is read so ``after_payday`` is right on the first day.
    """
    first = pd.Timestamp(start).normalize() - pd.Timedelta(days=1)
    days = pd.date_range(first, pd.Timestamp(end).normalize(), freq="D")
    table = _reference(days[0], days[-1], country).set_index("date")
    if given is not None and not given.empty:
        missing = [c for c in ("date", *CALENDAR_FLAGS) if c not in given.columns]
        if missing:
            raise NightshiftError(f"calendar lacks column(s) {', '.join(missing)}")
        override = given.assign(date=pd.to_datetime(given["date"]).dt.normalize())
        override = override.drop_duplicates("date", keep="last").set_index("date")
        override = override.reindex(days)[list(CALENDAR_FLAGS)]
        table[list(CALENDAR_FLAGS)] = override.fillna(table[list(CALENDAR_FLAGS)])
    table = table.reindex(days)
    payday = table["is_payday"].astype(bool).to_numpy()
    frame = pd.DataFrame(
        {
            "iso_weekday": days.isocalendar().day.to_numpy(dtype=float),
            "is_holiday": table["is_holiday"].astype(float).to_numpy(),
            "is_long_weekend": table["is_long_weekend"].astype(float).to_numpy(),
            "is_payday": payday.astype(float),
            "after_payday": np.r_[False, payday[:-1]].astype(float),
            "day_of_month": days.day.to_numpy(dtype=float),
            "month": days.month.to_numpy(dtype=float),
        }
    )
    return frame.iloc[1:].reset_index(drop=True)
