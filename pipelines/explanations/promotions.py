"""What drives each proposed promotion's lift, from the forest's own counterfactual.

The lift of a candidate is its store's forecast with the promotion minus without it, summed over
the store's categories. ``models.sales.explain.explain_lift`` splits each category row's
difference exactly over the columns the promotion changes (Shapley values, the "without" row as
the reference), and they are grouped into what a planner reads:

* ``discount``: the promoted category's own discount (its promo_active and promo_discount),
* ``store_promotions``: the promoted category's response to the store running more promotions,
* ``other_categories``: what the promotion adds to (or takes from) the store's other categories.

The drivers sum to the candidate's expected lift. The stage appends them to the proposal's
reason and writes them to explanations.promotion_drivers.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from pipelines.explanations.tables import replace_run
from pipelines.explanations.words import signed_pen
from pipelines.planning.parameters import Language
from pipelines.settings import Settings

if TYPE_CHECKING:
    from models.sales.features import FeatureRows
    from models.sales.forest import SalesForecaster
    from models.sales.frame import SalesInputs

DRIVERS = ("discount", "store_promotions", "other_categories")
OWN_DISCOUNT_COLUMNS = ("promo_active", "promo_discount")
NEGLIGIBLE_PEN = 0.5  # drivers under half a sol are not named
KEY_COLUMNS = ["store_id", "date", "category", "discount_pct"]
log = logging.getLogger(__name__)


class _SharedRows:
    """A forecaster whose origin rows were built once (``build_scenarios`` reads them)."""

    def __init__(self, forecaster: SalesForecaster, rows: FeatureRows) -> None:
        self.config = forecaster.config
        self._rows = rows

    def horizon_rows(self, origin: Any, inputs: Any) -> FeatureRows:
        return self._rows


def lift_drivers(
    forecaster: SalesForecaster,
    inputs: SalesInputs,
    origin: pd.Timestamp,
    candidates: pd.DataFrame,
) -> pd.DataFrame:
    """Per candidate (its position in ``candidates``, with store_id, date, category,
    discount_pct) and driver: its contribution to the store lift (PEN) and rank (1 = largest
    |PEN|); a candidate's drivers sum to its lift."""
    from models.sales.counterfactual import build_scenarios
    from models.sales.explain import explain_lift

    columns = ["candidate", *KEY_COLUMNS, "driver", "contribution_pen", "rank"]
    if candidates.empty:
        return pd.DataFrame(columns=columns)
    rows = forecaster.horizon_rows(origin, inputs)
    shared = cast("SalesForecaster", _SharedRows(forecaster, rows))
    scenarios = build_scenarios(shared, inputs, origin, candidates[KEY_COLUMNS])
    explained = explain_lift(
        forecaster,
        scenarios.with_rows,
        scenarios.without_rows,
        scenarios.candidate,
        scenarios.is_target,
    )
    names = list(explained.feature_names)
    own = [names.index(c) for c in OWN_DISCOUNT_COLUMNS if c in names]
    discount = explained.contributions[:, own].sum(axis=1)
    per_row = {
        "discount": np.where(explained.is_target, discount, 0.0),
        "store_promotions": np.where(explained.is_target, explained.lift - discount, 0.0),
        "other_categories": np.where(explained.is_target, 0.0, explained.lift),
    }
    sums = pd.DataFrame(per_row).groupby(explained.candidate).sum()
    keys = candidates[KEY_COLUMNS].reset_index(drop=True)
    long = (
        sums.reindex(range(len(keys)), fill_value=0.0)
        .rename_axis("candidate")
        .reset_index()
        .melt(id_vars="candidate", var_name="driver", value_name="contribution_pen")
    )
    long = long.join(keys, on="candidate")
    long["size"] = long["contribution_pen"].abs()
    long = long.sort_values(["candidate", "size", "driver"], ascending=[True, False, True])
    long["rank"] = long.groupby("candidate").cumcount() + 1
    return long[columns].reset_index(drop=True)


def driver_label(driver: str, row: pd.Series, contribution: float, language: Language) -> str:
    """'descuento de 30% en bebidas', 'arrastre a otras categorías', ..."""
    spanish = language == "es"
    category = str(row["category"]).replace("_", " ")
    discount = f"{float(row['discount_pct']):g}%"
    if driver == "discount":
        return f"descuento de {discount} en {category}" if spanish else f"{discount} off {category}"
    if driver == "store_promotions":
        return "más promociones en la tienda" if spanish else "more promotions running in the store"
    if contribution >= 0:
        return "arrastre a otras categorías" if spanish else "pull on the other categories"
    return "quita ventas a otras categorías" if spanish else "sales taken from other categories"


def reason_clause(drivers: pd.DataFrame, row: pd.Series, language: Language) -> str:
    """'impulsado por descuento de 30% en bebidas (+S/ 310) y arrastre a otras categorías
    (+S/ 45)', from one candidate's drivers (largest first); '' when none is worth naming."""
    named = [
        f"{driver_label(d.driver, row, d.contribution_pen, language)} "
        f"({signed_pen(d.contribution_pen)})"
        for d in drivers.sort_values("rank").itertuples()
        if abs(d.contribution_pen) >= NEGLIGIBLE_PEN
    ]
    if not named:
        return ""
    joined = (
        named[0]
        if len(named) == 1
        else ", ".join(named[:-1]) + (" y " if language == "es" else " and ") + named[-1]
    )
    return f"impulsado por {joined}" if language == "es" else f"driven by {joined}"


def explain_plan(
    forecaster: SalesForecaster,
    inputs: SalesInputs,
    origin: pd.Timestamp,
    plan: pd.DataFrame,
    language: Language,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """(``plan`` with each reason extended by what drives its lift, the drivers with their
    labels, counts)."""
    began = time.monotonic()
    plan = plan.reset_index(drop=True)
    drivers = lift_drivers(forecaster, inputs, origin, plan)
    by_candidate = dict(tuple(drivers.groupby("candidate", sort=False)))
    reasons, labels = [], pd.Series("", index=drivers.index, dtype=object)
    for position, row in plan.iterrows():
        rows = by_candidate.get(position, drivers.iloc[0:0])
        clause = reason_clause(rows, row, language)
        reasons.append(f"{row['reason']}; {clause}" if clause else row["reason"])
        for index, d in rows.iterrows():
            labels[index] = driver_label(str(d["driver"]), row, d["contribution_pen"], language)
    counts = {
        "promotions_explained": len(plan),
        "explain_promotions_s": round(time.monotonic() - began, 2),
    }
    return plan.assign(reason=reasons), drivers.assign(label=labels), counts


def explain_lifts(
    forecaster: SalesForecaster,
    inputs: SalesInputs,
    origin: pd.Timestamp,
    plan: pd.DataFrame,
    settings: Settings,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """``explain_plan`` for the promotions stage: on failure the plan keeps its reasons, no
    drivers are written and the run log says why (the plan itself is never held back)."""
    try:
        return explain_plan(forecaster, inputs, origin, plan, settings.report_language)
    except Exception as error:  # a failed explanation must not stop the plan
        log.exception("promotion lifts not explained")
        empty = pd.DataFrame(columns=["candidate", *KEY_COLUMNS, "driver", "rank", "label"])
        return plan, empty, {"explain_promotions_error": f"{type(error).__name__}: {error}"[:500]}


def write_promotion_drivers(
    conn: Connection, drivers: pd.DataFrame, run_date: date, version: str
) -> None:
    """Replace the run date's promotion drivers (in the caller's transaction, with the plan)."""
    rows = [
        {
            "run_date": run_date,
            "store_id": d.store_id,
            "date": pd.Timestamp(d.date).date(),
            "category": d.category,
            "discount_pct": float(d.discount_pct),
            "driver": d.driver,
            "rank": int(d.rank),
            "label": d.label,
            "contribution_pen": float(d.contribution_pen),
            "model_version": version,
        }
        for d in drivers.itertuples()
    ]
    replace_run(conn, "promotion_drivers", run_date, rows)
