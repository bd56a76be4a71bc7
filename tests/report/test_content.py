"""Gathering one store's report from the warehouse (rows seeded by tests/report/seed.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from pipelines.errors import NightshiftError
from pipelines.report.content import (
    RISK_HOURS_SHOWN,
    _review_signal,
    gather_report,
    planned_store_ids,
)
from tests.report.seed import BUSINESS_DATE, FIRST_DAY, MODEL_VERSION, STORES

pytestmark = pytest.mark.usefixtures("report_rows")


def test_the_stores_with_a_plan_are_the_ones_reported(engine: Engine) -> None:
    assert planned_store_ids(engine, BUSINESS_DATE) == ["RPT1", "RPT2"]
    assert planned_store_ids(engine, BUSINESS_DATE + timedelta(days=1)) == []


def test_store_plan_and_model_version(engine: Engine) -> None:
    report = gather_report(engine, "RPT1", BUSINESS_DATE)
    assert report.store.name == STORES["RPT1"]["name"]
    assert report.store.manager_email == STORES["RPT1"]["manager_email"]
    assert report.first_day == FIRST_DAY == date(2033, 3, 15)
    assert report.model_version == MODEL_VERSION
    # 7 days x 24 forecast hours; staff only over opening hours.
    assert len(report.hours) == 7 * 24
    assert report.hours[0].ts == datetime(2033, 3, 15, 0)
    assert report.hours[0].staff is None and report.hours[0].p50 is not None
    assert all(p.staff for p in report.hours if 8 <= p.ts.hour < 22)


def test_only_todays_and_tomorrows_shifts(engine: Engine) -> None:
    report = gather_report(engine, "RPT1", BUSINESS_DATE)
    today, tomorrow = report.shift_days
    assert {s.day for s in report.shifts} == {today, tomorrow}
    assert [(s.start.hour, s.end.hour) for s in report.shifts_on(today, "cashier")] == [
        (8, 16),
        (14, 22),
    ]
    late = report.shifts_on(tomorrow, "cashier")[-1]
    assert late.end == datetime(2033, 3, 17, 1) and late.hours == 7.0


def test_hours_at_the_maximum_busiest_first(engine: Engine) -> None:
    report = gather_report(engine, "RPT1", BUSINESS_DATE)
    assert report.risk_hours_total == 12
    assert len(report.risk_hours) == RISK_HOURS_SHOWN
    traffic = [r.traffic_p50 for r in report.risk_hours]
    assert traffic == sorted(traffic, reverse=True)
    assert [r.ts.hour for r in report.risk_hours] == [19] * 7 + [13] * 3
    assert report.risk_hours[0].roles == ("cashier",)
    assert report.risk_hours[-1].roles == ("cashier", "floor")
    assert gather_report(engine, "RPT2", BUSINESS_DATE).risk_hours == ()


def test_review_signal_from_model_scores(engine: Engine) -> None:
    signal = gather_report(engine, "RPT1", BUSINESS_DATE).reviews
    assert signal.source == "model"
    assert (signal.reviews, signal.negative, signal.previous_reviews) == (5, 4, 3)
    assert signal.sentiment == pytest.approx((4 * -0.8 + 0.9) / 5)
    assert signal.previous_sentiment == pytest.approx((0.9 + 0.9 + 0.0) / 3)
    assert signal.change == pytest.approx(-0.46 - 0.6)
    # "Lo bueno: precios justos" is praise; the one price complaint is "Carísimo".
    assert [(c.theme.key, c.reviews) for c in signal.themes] == [
        ("wait", 3),
        ("staff", 1),
        ("price", 1),
    ]


def test_review_signal_falls_back_to_ratings_when_not_all_scored(engine: Engine) -> None:
    signal = gather_report(engine, "RPT2", BUSINESS_DATE).reviews
    assert signal.source == "rating"
    assert (signal.reviews, signal.negative, signal.previous_reviews) == (2, 1, 1)
    assert signal.sentiment == pytest.approx(((2 - 3) / 2 + (4 - 3) / 2) / 2)
    assert signal.previous_sentiment == pytest.approx(1.0)
    assert [c.theme.key for c in signal.themes] == ["cleanliness"]


def test_a_week_without_reviews(engine: Engine) -> None:
    with engine.connect() as conn:
        signal = _review_signal(conn, "RPT2", date(2040, 1, 1))
    assert (signal.reviews, signal.negative, signal.sentiment, signal.change) == (0, 0, None, None)
    assert signal.themes == ()


def test_unknown_store_or_missing_plan_is_a_clear_error(engine: Engine) -> None:
    with pytest.raises(NightshiftError, match="unknown store 'NOPE'"):
        gather_report(engine, "NOPE", BUSINESS_DATE)
    with pytest.raises(NightshiftError, match="no staffing plan for 2033-03-13"):
        gather_report(engine, "RPT1", BUSINESS_DATE - timedelta(days=1))


def test_why_this_week_from_the_traffic_explanations(engine: Engine) -> None:
    busy = gather_report(engine, "RPT1", BUSINESS_DATE).why
    assert busy is not None and busy.enough_history
    assert [(d.day, round(d.change, 2), d.drivers) for d in busy.days] == [
        (FIRST_DAY + timedelta(days=3), 0.25, ("payday", "holiday_eve")),
        (FIRST_DAY + timedelta(days=5), -0.2, ("rain",)),
    ]
    quiet = gather_report(engine, "RPT2", BUSINESS_DATE).why
    assert quiet is not None and quiet.days == ()
