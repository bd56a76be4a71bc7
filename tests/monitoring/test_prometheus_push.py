"""The night's figures reach a real Pushgateway (Debian's prometheus-pushgateway) and read back
as Prometheus would scrape them; a dead gateway or warehouse never fails the night."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from pipelines import nightly, runs
from pipelines.monitoring import prometheus_push
from pipelines.settings import Settings, get_settings
from pipelines.window import RunWindow
from tests.monitoring import night_seed
from tests.monitoring.pushgateway import pushed_samples
from tests.report.conftest import free_port

LIMA = ZoneInfo("America/Lima")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _settings(settings: Settings, url: str | None) -> Settings:
    return settings.model_copy(update={"pushgateway_url": url, "pushgateway_timeout_s": 2.0})


def _lima_midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=LIMA).timestamp()


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def _names(samples: Samples) -> set[str]:
    return {name for name, _ in samples}


def test_a_successful_night_is_read_back_from_the_gateway(
    nights: Engine, settings: Settings, pushgateway: str
) -> None:
    finished = night_seed.started(night_seed.NIGHT) + timedelta(seconds=180)
    result = prometheus_push.push_night(
        _settings(settings, pushgateway), lambda: nights, night_seed.NIGHT, True, finished
    )
    assert result.counts() == {"metrics.pushed": True}

    got = pushed_samples(pushgateway, prometheus_push.JOB)
    assert _value(got, "nightshift_night_success") == 1
    assert _value(got, "nightshift_night_duration_seconds") == 180
    assert _value(got, "nightshift_night_attempts") == 2
    assert _value(got, "nightshift_night_finished_timestamp_seconds") == finished.timestamp()
    # 2026-11-21 00:00 in Lima is 05:00 UTC.
    midnight = datetime(2026, 11, 21, 5, tzinfo=UTC).timestamp()
    assert _value(got, "nightshift_night_business_date_timestamp_seconds") == midnight
    assert _value(got, "nightshift_last_success_business_date_timestamp_seconds") == midnight

    assert _value(got, "nightshift_rows_loaded", source="pos_lines") == 990
    assert _value(got, "nightshift_rows_quarantined", source="pos_lines") == 10
    assert _value(got, "nightshift_rows_published", source="reviews") == 50
    assert _value(got, "nightshift_quarantine_rate", source="pos_lines") == pytest.approx(0.01)
    assert _value(got, "nightshift_quarantine_rate", source="reviews") == 0
    # The weather batch was not validated yet: no quarantine figures rather than zeros.
    assert ("nightshift_rows_quarantined", frozenset({("source", "weather")})) not in got
    assert ("nightshift_quarantine_rate", frozenset({("source", "weather")})) not in got

    assert _value(got, "nightshift_model_promoted", model="traffic_rnn") == 1
    assert _value(got, "nightshift_model_promoted", model="sales_rf") == 0
    assert _value(got, "nightshift_model_challenger_score", model="sales_rf", metric="wape") == 0.2
    assert _value(got, "nightshift_model_champion_score", model="sales_rf", metric="wape") == 0.19
    assert ("nightshift_model_champion_score",
            frozenset({("model", "customer_churn"), ("metric", "auc")})) not in got  # fmt: skip
    assert _value(got, "nightshift_model_performance", model="review_sentiment",
                  metric="macro_f1", window_days="7") == 0.71  # fmt: skip
    # Only chain-wide figures: per-store ones would multiply the series by the stores.
    assert _value(got, "nightshift_model_performance", model="traffic_rnn",
                  metric="ratio_seasonal_naive", window_days="7") == 0.75  # fmt: skip

    assert _value(got, "nightshift_drifted_feature_share", model="traffic_rnn") == 0.25
    assert _value(got, "nightshift_drifted_feature_share", model="sales_rf") == 1
    assert _value(got, "nightshift_drifted_features", model="sales_rf") == 2
    # sales_rf's event of the 20th is still open; traffic_rnn's was resolved on the 20th.
    degraded = {
        dict(labels)["model"]: value
        for (name, labels), value in got.items()
        if name == "nightshift_model_degraded"
    }
    assert degraded == {"sales_rf": 1, "traffic_rnn": 0, "customer_churn": 0,
                        "review_sentiment": 0}  # fmt: skip
    assert _value(got, "nightshift_model_degradation_alerts", model="sales_rf") == 0
    assert _value(got, "nightshift_data_quality", source="pos_lines", metric="null_share",
                  detail="customer_id") == 0.6  # fmt: skip


def test_a_failed_night_replaces_the_previous_nights_figures(
    nights: Engine, settings: Settings, pushgateway: str
) -> None:
    configured = _settings(settings, pushgateway)
    finished = night_seed.started(night_seed.NIGHT)
    prometheus_push.push_night(configured, lambda: nights, night_seed.NIGHT, True, finished)
    later = night_seed.NIGHT + timedelta(days=1)  # nothing loaded or decided for it
    result = prometheus_push.push_night(
        configured, lambda: nights, later, False, finished + timedelta(days=1)
    )
    assert result.pushed

    got = pushed_samples(pushgateway, prometheus_push.JOB)
    assert _value(got, "nightshift_night_success") == 0
    assert _value(got, "nightshift_night_business_date_timestamp_seconds") == _lima_midnight(later)
    assert _value(got, "nightshift_last_success_business_date_timestamp_seconds") == (
        _lima_midnight(night_seed.NIGHT)
    )
    # The group is replaced: yesterday's loads and models are not shown as tonight's.
    assert not {"nightshift_rows_loaded", "nightshift_model_promoted"} & _names(got)


def test_an_unreadable_warehouse_still_pushes_the_nights_outcome(
    settings: Settings, pushgateway: str
) -> None:
    def down() -> Engine:
        raise ConnectionError("the warehouse is down")

    result = prometheus_push.push_night(
        _settings(settings, pushgateway), down, night_seed.NIGHT, False, datetime.now(UTC)
    )
    assert result.pushed and "the warehouse is down" in (result.error or "")
    got = pushed_samples(pushgateway, prometheus_push.JOB)
    assert _value(got, "nightshift_night_success") == 0
    assert _names(got) == {
        "nightshift_night_success",
        "nightshift_night_business_date_timestamp_seconds",
        "nightshift_night_finished_timestamp_seconds",
    }


def test_nothing_is_pushed_without_a_gateway(nights: Engine, settings: Settings) -> None:
    result = prometheus_push.push_night(
        _settings(settings, None), lambda: nights, night_seed.NIGHT, True, datetime.now(UTC)
    )
    assert not result.attempted and result.counts() == {}


def test_a_dead_gateway_never_fails_the_night(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """close_run, the night's last task, with the gateway's port closed: the run is still
    marked successful, and its counts say the push failed and why."""
    dead = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("NIGHTSHIFT_PUSHGATEWAY_URL", dead)
    get_settings.cache_clear()
    business_date = date(2033, 6, 14)  # far from every other test's dates
    window = RunWindow.for_business_date(business_date, LIMA, dag_run_id="push_test")
    try:
        runs.record_start(engine, window, datetime.now(UTC))
        counts = nightly.close_run(window.to_ref(), {"forecast": {"rows": 3}})
        row = runs.fetch(engine, window.logical_date)
    finally:
        get_settings.cache_clear()
        with engine.begin() as conn:
            conn.execute(
                text("delete from ops.pipeline_runs where business_date = :day"),
                {"day": business_date},
            )
    assert row is not None and row["status"] == "success"
    assert counts["forecast.rows"] == 3 and counts["metrics.pushed"] is False
    assert row["counts"]["metrics.pushed"] is False
    assert dead in row["counts"]["metrics.push_error"]
