"""What a category's sales are worth: cost shares from the catalogue's costs, and the margin
sentence of a promotion proposal (pure; the counterfactual itself is models.sales.margin).

A store-category's cost share is what its recent lines cost the chain over what they were worth
at list price. Products the cost export never listed (a new product, a cost quarantined since
the start) are priced with the documented default margin (``NIGHTSHIFT_DEFAULT_MARGIN_RATE``),
and ``cost_coverage`` says how much of the category's sales that concerned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.planning.promotions import Language

# sql/promotions/cost_shares.sql
COST_COLUMNS = ("store_id", "category", "list_sales", "known_cost", "uncosted_sales")


def cost_shares(costs: pd.DataFrame, default_margin_rate: float) -> pd.DataFrame:
    """store_id, category, cost_share, cost_coverage from the SQL's sums."""
    list_sales = costs["list_sales"].to_numpy(dtype=float)
    uncosted = costs["uncosted_sales"].to_numpy(dtype=float)
    cost = costs["known_cost"].to_numpy(dtype=float) + (1 - default_margin_rate) * uncosted
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(list_sales > 0, cost / list_sales, np.nan)
        coverage = np.where(list_sales > 0, 1 - uncosted / list_sales, np.nan)
    return pd.DataFrame(
        {
            "store_id": costs["store_id"].astype(str).to_numpy(),
            "category": costs["category"].astype(str).to_numpy(),
            "cost_share": share,
            "cost_coverage": coverage,
        }
    )


def margin_clause(row: pd.Series, language: Language) -> str:
    """E.g. "margen +S/ 96 (80%: S/ 40 a S/ 150; margen de la categoría 26%)"."""
    margin, low, high = (float(row[c]) for c in ("expected_margin", "margin_p10", "margin_p90"))
    rate = row.get("margin_rate", np.nan)
    coverage = row.get("cost_coverage", np.nan)
    spanish = language == "es"
    span = (
        f"80%: S/ {low:,.0f} a S/ {high:,.0f}"
        if spanish
        else f"80% interval S/ {low:,.0f} to S/ {high:,.0f}"
    )
    if pd.notna(rate):
        label = "margen de la categoría" if spanish else "category margin"
        span += f"; {label} {float(rate):.0%}"
    if pd.notna(coverage) and float(coverage) < 1:
        span += (
            f", {1 - float(coverage):.0%} sin costo: margen por defecto"
            if spanish
            else f", {1 - float(coverage):.0%} without a cost: default margin"
        )
    lead = "margen" if spanish else "margin"
    return f"{lead} {'+' if margin >= 0 else '-'}S/ {abs(margin):,.0f} ({span})"


def add_margin_reasons(ranked: pd.DataFrame, language: Language) -> pd.DataFrame:
    """``ranked`` (with ``reason``) with the margin clause appended to each reason."""
    reasons = [f"{row['reason']}; {margin_clause(row, language)}" for _, row in ranked.iterrows()]
    return ranked.assign(reason=reasons)
