"""The promotion plan, pure: candidates, ranking against the staffing plan, confidence, reasons.

Candidates are every category a store sold lately x DISCOUNT_LEVELS x the forecast horizon, minus
the category-days marketing already promotes. The sales model prices each candidate with and
without it (``models.sales.counterfactual``); this module ranks them per store, keeps the best
TOP_PER_STORE, labels how sure the model is and writes one sentence per row. No database here.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

Language = Literal["es", "en"]
Confidence = Literal["high", "medium", "low"]
RankBy = Literal["expected_margin", "expected_lift"]

DISCOUNT_LEVELS = (10, 20, 30)  # percent off; marketing's usual levels
TOP_PER_STORE = 10
# A store "sells" a category when it sold any of it in the last four weeks: older ranges may have
# been delisted, and the model has no recent level to scale a forecast with.
RECENT_SALES_DAYS = 28

CANDIDATE_COLUMNS = ["store_id", "date", "category", "discount_pct"]
# One row per store and planned day (see sql/promotions/staff_days.sql).
STAFF_DAY_COLUMNS = ["store_id", "date", "slack_hours", "maximum_hours", "open_hours"]

WEEKDAYS = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def promotion_candidates(
    sales: pd.DataFrame,
    planned: pd.DataFrame | None,
    origin: pd.Timestamp,
    horizon_days: int,
    levels: tuple[int, ...] = DISCOUNT_LEVELS,
) -> pd.DataFrame:
    """store_id, date, category, discount_pct for origin+1 .. origin+horizon_days.

    ``sales`` (store_id, category, date, sales) says what each store sells; ``planned``
    (store_id, date, category, discount_pct) is marketing's calendar: a category-day already on
    it gets no candidate, since the store cannot run two promotions on one category.
    """
    origin = pd.Timestamp(origin).normalize()
    days = pd.to_datetime(sales["date"]).dt.normalize()
    recent = (days > origin - pd.Timedelta(days=RECENT_SALES_DAYS)) & (days <= origin)
    sold = sales.loc[recent & (sales["sales"] > 0), ["store_id", "category"]]
    sold = sold.astype(str).drop_duplicates()
    ahead = pd.DataFrame(
        {"date": pd.date_range(origin + pd.Timedelta(days=1), periods=horizon_days)}
    )
    grid = sold.merge(ahead, how="cross").merge(
        pd.DataFrame({"discount_pct": [float(level) for level in levels]}), how="cross"
    )
    if planned is not None and not planned.empty:
        taken = pd.DataFrame(
            {
                "store_id": planned["store_id"].astype(str),
                "date": pd.to_datetime(planned["date"]).dt.normalize(),
                "category": planned["category"].astype(str),
            }
        )[pd.to_numeric(planned["discount_pct"]).to_numpy() > 0].drop_duplicates()
        grid = grid.merge(taken, on=["store_id", "date", "category"], how="left", indicator=True)
        grid = grid[grid.pop("_merge") == "left_only"]
    ordered = grid[CANDIDATE_COLUMNS].sort_values(CANDIDATE_COLUMNS, kind="stable")
    return ordered.reset_index(drop=True)


def rank_candidates(
    scored: pd.DataFrame,
    staff_days: pd.DataFrame,
    top_n: int = TOP_PER_STORE,
    by: RankBy = "expected_lift",
) -> pd.DataFrame:
    """The best ``top_n`` candidates per store, ranked 1..n by ``by``: ``expected_margin``
    (the store's incremental margin, net of the discount: what the nightly ranks by) or
    ``expected_lift`` (incremental sales).

    ``scored`` holds the candidates with the counterfactual's store_with / store_without /
    store_lift (the whole store's sales, so a promotion that only moves money between categories
    is not rewarded). The ranking score is the lift less the share of the day's open hours the
    plan already staffs at the store maximum (taking the lift as spread evenly over the day):
    extra customers in those hours meet a capped crew and queues, which the sales model (it
    holds staffing fixed) cannot see. The reported expected_lift stays the model's. Ties go to
    the day with more idle staff-hours; days without a staffing plan (beyond its 7 days) are
    neutral: no penalty, no slack.
    """
    frame = scored.rename(
        columns={"store_with": "sales_with", "store_without": "sales_without"}
    ).assign(
        date=lambda f: pd.to_datetime(f["date"]).dt.normalize(),
        expected_lift=lambda f: f["sales_with"] - f["sales_without"],
    )
    # A promotion the model expects to lose sales or margin (or cannot price) is not worth
    # proposing.
    frame = frame[frame[by].fillna(0.0) > 0]
    staff = staff_days[STAFF_DAY_COLUMNS].assign(
        date=lambda f: pd.to_datetime(f["date"]).dt.normalize()
    )
    frame = frame.merge(staff, on=["store_id", "date"], how="left")
    capped = frame["maximum_hours"] / frame["open_hours"].where(frame["open_hours"] > 0)
    frame["maximum_share"] = capped.fillna(0.0).clip(0.0, 1.0)
    frame["staff_slack_hours"] = frame.pop("slack_hours")
    frame["score"] = frame[by] * (1.0 - frame["maximum_share"])
    frame["_slack"] = frame["staff_slack_hours"].fillna(0.0)
    frame = frame.sort_values(
        ["store_id", "score", "_slack", "date", "category", "discount_pct"],
        ascending=[True, False, False, True, True, True],
        kind="stable",
    )
    # The discount levels of one category-day are alternatives, not separate promotions: keep
    # the best level only, so the store's list is N different decisions.
    frame = frame.drop_duplicates(["store_id", "date", "category"], keep="first")
    frame = frame.groupby("store_id", sort=False).head(top_n).drop(columns="_slack")
    frame["rank"] = frame.groupby("store_id", sort=False).cumcount() + 1
    return frame.reset_index(drop=True)


def confidence_label(lift: float, p10: float, p90: float) -> Confidence:
    """How sure the model is of a gain, from its stated 80% interval [p10, p90] of the lift
    (models.sales.margin: the trees' spread, checked against the simulator's true effects).

    high: the whole interval is a gain and no wider than the lift itself; medium: the whole
    interval is a gain; low: the interval reaches a loss (or is unknown).
    """
    if not (np.isfinite(p10) and np.isfinite(p90)) or p10 <= 0:
        return "low"
    return "high" if p90 - p10 <= lift else "medium"


def add_confidence(
    ranked: pd.DataFrame,
    value: str = "expected_lift",
    low: str = "lift_p10",
    high: str = "lift_p90",
) -> pd.DataFrame:
    """``ranked`` gets its confidence column from ``value`` and its interval [``low``,
    ``high``] (the nightly uses the incremental margin's)."""
    labels = [
        confidence_label(lift, p10, p90)
        for lift, p10, p90 in ranked[[value, low, high]].itertuples(index=False)
    ]
    return ranked.assign(confidence=labels)


def reason(row: pd.Series, language: Language) -> str:
    """E.g. "+S/ 412 (+8%) de ventas esperadas con 20% en bebidas; martes 24/11 con 6 h de
    personal ocioso". ``row`` carries a ranked candidate's columns."""
    if language not in ("es", "en"):
        raise ValueError(f"reason language must be 'es' or 'en', got {language!r}")
    spanish = language == "es"
    lift, without = float(row["expected_lift"]), float(row["sales_without"])
    share = f" (+{lift / without:.0%})" if without > 0 else ""
    category = str(row["category"]).replace("_", " ")
    discount = f"{float(row['discount_pct']):g}%"
    gain = (
        f"+S/ {lift:,.0f}{share} de ventas esperadas con {discount} en {category}"
        if spanish
        else f"+S/ {lift:,.0f}{share} expected sales with {discount} off {category}"
    )
    day = pd.Timestamp(row["date"])
    when = f"{WEEKDAYS[language][day.dayofweek]} {day:%d/%m}"
    return f"{gain}; {_staffing_note(row, when, spanish)}"


def _staffing_note(row: pd.Series, when: str, spanish: bool) -> str:
    slack, capped = row["staff_slack_hours"], row.get("maximum_hours", np.nan)
    if pd.isna(slack):
        return f"{when} aún sin plan de personal" if spanish else f"{when}: no staffing plan yet"
    if capped > 0:
        cut = f"{float(row['maximum_share']):.0%}"
        if spanish:
            return f"{when} con {_hours(capped)} h ya al máximo de personal (beneficio -{cut})"
        return f"{when} has {_hours(capped)} h already at maximum staff (lift -{cut})"
    if slack > 0:
        if spanish:
            return f"{when} con {_hours(slack)} h de personal ocioso"
        return f"{when} has {_hours(slack)} idle staff-hours"
    return f"{when} sin personal ocioso" if spanish else f"{when} has no idle staff"


def add_reasons(ranked: pd.DataFrame, language: Language) -> pd.DataFrame:
    return ranked.assign(reason=[reason(row, language) for _, row in ranked.iterrows()])


def _hours(value: float) -> str:
    """Whole hours from 10 up; one decimal below, where rounding would hide too much."""
    return str(round(value)) if abs(value) >= 10 else f"{round(value, 1):g}"
