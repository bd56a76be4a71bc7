"""The promotion plan's pure rules: candidates, ranking against staffing, confidence, reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines.planning.promotions import (
    DISCOUNT_LEVELS,
    STAFF_DAY_COLUMNS,
    add_confidence,
    add_reasons,
    confidence_label,
    promotion_candidates,
    rank_candidates,
)

ORIGIN = pd.Timestamp("2026-11-21")  # a Saturday
DAY1, DAY2, DAY3 = (ORIGIN + pd.Timedelta(days=d) for d in (1, 2, 3))


def _sales() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "store_id": ["S1", "S1", "S1", "S2"],
            "category": ["bebidas", "snacks", "limpieza", "bebidas"],
            # limpieza last sold two months ago: no longer part of the range.
            "date": [ORIGIN, ORIGIN - pd.Timedelta(days=3), ORIGIN - pd.Timedelta(days=60), ORIGIN],
            "sales": [100.0, 50.0, 20.0, 80.0],
        }
    )


def _scored(rows: list[tuple[str, pd.Timestamp, str, float, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=["store_id", "date", "category", "discount_pct", "store_with", "store_without"],
    )
    return frame.assign(store_lift=frame["store_with"] - frame["store_without"])


def _staff(rows: list[tuple[str, pd.Timestamp, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=STAFF_DAY_COLUMNS)


NO_PLAN = _staff([])


def test_candidates_cover_the_horizon_levels_and_recent_categories() -> None:
    candidates = promotion_candidates(_sales(), None, ORIGIN, 14)
    assert set(zip(candidates["store_id"], candidates["category"], strict=True)) == {
        ("S1", "bebidas"),
        ("S1", "snacks"),
        ("S2", "bebidas"),
    }
    assert candidates["date"].min() == DAY1
    assert candidates["date"].max() == ORIGIN + pd.Timedelta(days=14)
    assert sorted(candidates["discount_pct"].unique()) == sorted(map(float, DISCOUNT_LEVELS))
    assert len(candidates) == 3 * 14 * len(DISCOUNT_LEVELS)


def test_no_candidate_for_an_already_promoted_category_day() -> None:
    planned = pd.DataFrame(
        {"store_id": ["S1"], "date": [DAY2.date()], "category": ["bebidas"], "discount_pct": [15]}
    )
    candidates = promotion_candidates(_sales(), planned, ORIGIN, 14)
    taken = (
        (candidates["store_id"] == "S1")
        & (candidates["date"] == DAY2)
        & (candidates["category"] == "bebidas")
    )
    assert not taken.any()
    # Only that category-day: the other category that day and the other days stay open.
    assert ((candidates["store_id"] == "S1") & (candidates["date"] == DAY2)).any()
    assert len(candidates) == (3 * 14 - 1) * len(DISCOUNT_LEVELS)


def test_a_bigger_lift_ranks_higher_and_losses_are_dropped() -> None:
    scored = _scored(
        [
            ("S1", DAY1, "bebidas", 20.0, 1100.0, 1000.0),
            ("S1", DAY1, "snacks", 20.0, 1300.0, 1000.0),
            ("S1", DAY2, "snacks", 20.0, 950.0, 1000.0),  # the model expects a loss
            ("S2", DAY1, "bebidas", 20.0, 600.0, 500.0),
        ]
    )
    ranked = rank_candidates(scored, NO_PLAN)
    s1 = ranked[ranked["store_id"] == "S1"]
    assert list(s1["category"]) == ["snacks", "bebidas"]
    assert list(s1["rank"]) == [1, 2]
    assert list(ranked.loc[ranked["store_id"] == "S2", "rank"]) == [1]
    assert (ranked["expected_lift"] > 0).all()
    np.testing.assert_allclose(
        ranked["expected_lift"], ranked["sales_with"] - ranked["sales_without"]
    )


def test_only_the_best_discount_of_a_category_day_and_top_n_per_store() -> None:
    rows = [("S1", DAY1, "bebidas", level, 1000.0 + level, 1000.0) for level in (10.0, 20.0, 30.0)]
    rows += [("S1", ORIGIN + pd.Timedelta(days=d), "snacks", 10.0, 1005.0, 1000.0) for d in (2, 3)]
    ranked = rank_candidates(_scored(rows), NO_PLAN, top_n=2)
    assert len(ranked) == 2
    assert ranked.iloc[0][["category", "discount_pct"]].tolist() == ["bebidas", 30.0]
    assert ranked.iloc[1]["category"] == "snacks"


def test_staff_slack_breaks_ties_and_maximum_days_are_penalised() -> None:
    scored = _scored(
        [
            ("S1", DAY1, "bebidas", 20.0, 1200.0, 1000.0),
            ("S1", DAY2, "bebidas", 20.0, 1200.0, 1000.0),
            ("S1", DAY3, "bebidas", 20.0, 1210.0, 1000.0),
        ]
    )
    staff = _staff(
        [
            ("S1", DAY1, 0.0, 0.0, 12.0),
            ("S1", DAY2, 6.0, 0.0, 12.0),  # same lift as DAY1, six idle staff-hours
            ("S1", DAY3, 0.0, 6.0, 12.0),  # a bit more lift, but half the day is at maximum
        ]
    )
    ranked = rank_candidates(scored, staff)
    assert list(ranked["date"]) == [DAY2, DAY1, DAY3]
    capped = ranked[ranked["date"] == DAY3].iloc[0]
    assert capped["maximum_share"] == pytest.approx(0.5)
    assert capped["score"] == pytest.approx(105.0)
    assert capped["expected_lift"] == pytest.approx(210.0)  # the reported lift is not penalised


def test_days_without_a_staffing_plan_are_neutral() -> None:
    far = ORIGIN + pd.Timedelta(days=10)
    scored = _scored(
        [
            ("S1", DAY1, "bebidas", 20.0, 1200.0, 1000.0),
            ("S1", far, "bebidas", 20.0, 1201.0, 1000.0),
        ]
    )
    ranked = rank_candidates(scored, _staff([("S1", DAY1, 0.0, 0.0, 12.0)]))
    assert list(ranked["date"]) == [far, DAY1]
    assert np.isnan(ranked.iloc[0]["staff_slack_hours"])
    assert ranked.iloc[0]["score"] == pytest.approx(201.0)


def test_confidence_from_the_spread_of_the_trees() -> None:
    assert confidence_label(100.0, 70.0, 140.0) == "high"
    assert confidence_label(100.0, 10.0, 250.0) == "medium"
    assert confidence_label(100.0, -5.0, 180.0) == "low"
    assert confidence_label(100.0, np.nan, np.nan) == "low"


def _described(language: str) -> pd.DataFrame:
    scored = _scored(
        [
            ("S1", DAY3, "cuidado_personal", 20.0, 5412.0, 5000.0),  # Tuesday, idle staff
            ("S1", DAY1, "bebidas", 30.0, 5300.0, 5000.0),  # Sunday, at maximum
            ("S1", ORIGIN + pd.Timedelta(days=9), "bebidas", 10.0, 5100.0, 5000.0),  # no plan
        ]
    )
    staff = _staff([("S1", DAY3, 6.0, 0.0, 12.0), ("S1", DAY1, 0.0, 3.0, 12.0)])
    ranked = rank_candidates(scored, staff)
    ranked = ranked.assign(lift_p10=[300.0, 50.0, -10.0], lift_p90=[500.0, 600.0, 300.0])
    return add_reasons(add_confidence(ranked), language)  # type: ignore[arg-type]


def test_reasons_in_spanish() -> None:
    reasons = list(_described("es")["reason"])
    assert reasons[0] == (
        "+S/ 412 (+8%) de ventas esperadas con 20% en cuidado personal; "
        "martes 24/11 con 6 h de personal ocioso"
    )
    assert "domingo 22/11 con 3 h ya al máximo de personal (beneficio -25%)" in reasons[1]
    assert reasons[2].endswith("lunes 30/11 aún sin plan de personal")


def test_reasons_in_english() -> None:
    described = _described("en")
    reasons = list(described["reason"])
    assert reasons[0] == (
        "+S/ 412 (+8%) expected sales with 20% off cuidado personal; "
        "Tuesday 24/11 has 6 idle staff-hours"
    )
    assert "Sunday 22/11 has 3 h already at maximum staff (lift -25%)" in reasons[1]
    assert reasons[2].endswith("Monday 30/11: no staffing plan yet")
    assert list(described["confidence"]) == ["high", "medium", "low"]
