"""Store totals as the sum of a store's category rows (so the two levels always agree)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from models.sales.config import TOTAL_CATEGORY


def with_store_totals(frame: pd.DataFrame, value_columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` plus one TOTAL_CATEGORY row per group of the other key columns (store_id,
    date, ...); a total is NaN when any of its categories is."""
    values = list(value_columns)
    keys = [c for c in frame.columns if c not in (*values, "category")]
    grouped = frame.groupby(keys, sort=False)
    totals = grouped[values].sum()
    unknown = frame[values].isna().groupby([frame[k] for k in keys], sort=False).any()
    totals = totals.mask(unknown.reindex(totals.index).to_numpy(dtype=bool), np.nan)
    totals = totals.reset_index().assign(category=TOTAL_CATEGORY)[list(frame.columns)]
    combined = pd.concat([frame, totals], ignore_index=True)
    return combined.sort_values(["store_id", "date", "category"], kind="stable").reset_index(
        drop=True
    )
