"""Thresholds, events and the forced retrain, on a fresh warehouse."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, text

from pipelines.db import migrate
from pipelines.monitoring import degradation
from pipelines.monitoring.performance import Figure
from pipelines.settings import Settings
from pipelines.training.promotion import Decision, write_decision

DAY = date(2031, 6, 10)


def _figure(metric: str, value: float, days: int, store: str | None = "S1", n: int = 100) -> Figure:
    scope = "chain" if store is None else "store"
    return Figure("traffic_rnn", scope, store, metric, value, n, days, "5")


def test_each_figure_is_judged_on_its_own_window(settings: Settings) -> None:
    figures = [
        _figure("bias", 0.8, 3),  # a level shift over the shift window: degraded
        _figure("bias", 0.8, 7),  # the same figure on the main window is not judged
        _figure("coverage_open_hours", 0.2, 7),  # below the band
        _figure("coverage_open_hours", 0.1, 7, store="S2", n=5),  # too few hours to judge
        _figure("ratio_seasonal_naive", 0.9, 7, store=None),  # fine
    ]
    events = degradation.evaluate(settings, "traffic_rnn", "5", figures, (0.25, 4))
    found = {(e.metric, e.store_id, e.window_days, e.threshold.direction) for e in events}
    assert found == {("bias", "S1", 3, "above"), ("coverage_open_hours", "S1", 7, "below")}
    assert all(e.model_version == "5" for e in events)


def test_drift_share_and_holdout_based_thresholds(settings: Settings) -> None:
    drift = degradation.evaluate(settings, "sales_rf", "2", [], (1.0, 4))
    assert [(e.metric, e.scope, e.value) for e in drift] == [("drifted_share", "chain", 1.0)]
    assert degradation.evaluate(settings, "sales_rf", "2", [], (0.75, 4)) == []  # not above
    auc = Figure("customer_churn", "chain", None, "auc", 0.70, 500, 30, "3")
    [event] = degradation.evaluate(settings, "customer_churn", "3", [auc], None, holdout=0.80)
    assert event.threshold.value == pytest.approx(0.75) and "holdout AUC 0.800" in event.detail
    assert degradation.evaluate(settings, "customer_churn", "3", [auc], None, holdout=0.74) == []
    # Without a known holdout score there is nothing to compare the AUC with.
    assert degradation.evaluate(settings, "customer_churn", "3", [auc], None) == []


@pytest.fixture
def warehouse_engine(fresh_engine: Engine) -> Engine:
    migrate.upgrade(fresh_engine)
    return fresh_engine


def _event(settings: Settings, value: float = 0.8) -> degradation.Event:
    [event] = degradation.evaluate(settings, "traffic_rnn", "5", [_figure("bias", value, 3)], None)
    return event


def test_an_event_is_raised_once_per_window_and_rerun_safely(
    warehouse_engine: Engine, settings: Settings
) -> None:
    event = _event(settings)
    assert degradation.record(warehouse_engine, DAY, "run-1", [event], 7) == [event]
    degradation.mark_alerted(warehouse_engine, DAY, [event])
    # A re-run of the night keeps the event as it was (alerted), not a fresh one to alert.
    [again] = degradation.record(warehouse_engine, DAY, "run-2", [event], 7)
    assert again.alerted
    # The next nights, within the window, the model is not flagged again, on any figure.
    later = DAY + timedelta(days=3)
    other = degradation.evaluate(
        settings, "traffic_rnn", "5", [_figure("coverage_open_hours", 0.1, 7)], None
    )
    assert degradation.record(warehouse_engine, later, "run-3", [event, *other], 7) == []
    assert degradation.record(warehouse_engine, DAY + timedelta(days=8), "r", [event], 7) != []


def test_the_next_night_retrains_and_the_decision_resolves_the_event(
    warehouse_engine: Engine, settings: Settings
) -> None:
    degradation.record(warehouse_engine, DAY, "run-1", [_event(settings)], 7)
    assert degradation.retrain_requested(warehouse_engine, "traffic_rnn", DAY) is None
    assert degradation.retrain_requested(warehouse_engine, "sales_rf", DAY + timedelta(1)) is None
    why = degradation.retrain_requested(warehouse_engine, "traffic_rnn", DAY + timedelta(days=1))
    assert why == f"monitoring: bias 0.800 crossed 0.500 (store S1, {DAY})"

    night = DAY + timedelta(days=1)
    decision = Decision("traffic_rnn", "holdout_mae", False, 3.0, 3.5, 0.01, True, "promoted")
    write_decision(warehouse_engine, night, decision, "mlflow-run", "6", "5")
    with warehouse_engine.connect() as conn:
        reason = conn.execute(
            text("select reason from ops.model_promotions where business_date = :d"), {"d": night}
        ).scalar_one()
        resolved = conn.execute(
            text("select resolved_on from monitoring.degradation_events")
        ).scalar_one()
    assert reason == f"{why} -> retrained; promoted"
    assert resolved == night
    # A re-run of that night still knows why it retrained; the night after is back to normal.
    assert degradation.retrain_requested(warehouse_engine, "traffic_rnn", night) == why
    assert (
        degradation.retrain_requested(warehouse_engine, "traffic_rnn", night + timedelta(1)) is None
    )
