"""The night's figures, pushed to a Prometheus Pushgateway for the alert rules.

At the end of every night, successful (``close_run``) or failed (the DAG's failure callback),
``push_night`` reads the night's figures from the warehouse (``ops.pipeline_runs``,
``ops.loads``, ``ops.model_promotions`` and, where they exist, the ``monitoring`` tables) and
pushes them as gauges to ``NIGHTSHIFT_PUSHGATEWAY_URL`` under the job ``nightshift_nightly``.
Each push replaces the previous night's group, so the gateway always holds the latest night.
Unset URL: nothing happens. The rules in ``docker/prometheus/rules/nightshift.rules.yml`` alert
on these names; the README lists them.

Monitoring must never break what it watches: an unreachable gateway, or a warehouse that cannot
be read (the night may have failed because of it), is logged and reported in the returned
counts (``metrics.pushed`` / ``metrics.push_error``, kept in ``ops.pipeline_runs.counts``);
when the figures cannot be read, the night's outcome is pushed on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway
from sqlalchemy import Connection, Engine

from pipelines.settings import Settings
from pipelines.sqlfiles import sql

log = logging.getLogger(__name__)

JOB = "nightshift_nightly"
MONITORING_TABLES = (
    "monitoring.model_performance",
    "monitoring.feature_drift",
    "monitoring.degradation_events",
    "monitoring.data_quality",
)
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class NightFigures:
    """What the warehouse says about one night (plain values; each list one row per item)."""

    started_at: datetime | None
    attempts: int | None
    last_success_date: date | None
    loads: Rows
    decisions: Rows
    performance: Rows = field(default_factory=list)
    drift: Rows = field(default_factory=list)
    degradation: Rows = field(default_factory=list)
    data_quality: Rows = field(default_factory=list)


@dataclass(frozen=True)
class PushResult:
    attempted: bool  # False when no gateway is configured
    pushed: bool = False
    error: str | None = None

    def counts(self) -> dict[str, Any]:
        """For ops.pipeline_runs.counts: whether the figures reached the gateway, and why not."""
        if not self.attempted:
            return {}
        return {"metrics.pushed": self.pushed} | (
            {"metrics.push_error": self.error} if self.error else {}
        )


def _rows(conn: Connection, name: str, business_date: date) -> Rows:
    result = conn.execute(sql(f"metrics/{name}"), {"business_date": business_date})
    return [dict(row) for row in result.mappings()]


def read_figures(engine: Engine, business_date: date) -> NightFigures:
    """The night's figures; the monitoring ones only where those tables exist."""
    with engine.connect() as conn:
        run = conn.execute(sql("metrics/night_run"), {"business_date": business_date}).one()
        present = {
            table
            for table in MONITORING_TABLES
            if conn.execute(sql("metrics/table_exists"), {"name": table}).scalar()
        }

        def monitoring(table: str, name: str) -> Rows:
            return _rows(conn, name, business_date) if table in present else []

        return NightFigures(
            started_at=run.started_at,
            attempts=run.attempts,
            last_success_date=run.last_success_date,
            loads=_rows(conn, "night_loads", business_date),
            decisions=_rows(conn, "night_models", business_date),
            performance=monitoring("monitoring.model_performance", "night_model_performance"),
            drift=monitoring("monitoring.feature_drift", "night_drift"),
            degradation=monitoring("monitoring.degradation_events", "night_degradation"),
            data_quality=monitoring("monitoring.data_quality", "night_data_quality"),
        )


def day_start(day: date, tz: ZoneInfo) -> float:
    """Unix time of 00:00 of ``day`` in the business timezone: how dates become gauge values."""
    return datetime.combine(day, time(), tzinfo=tz).timestamp()


def build_registry(
    business_date: date,
    success: bool,
    finished_at: datetime,
    tz: ZoneInfo,
    figures: NightFigures | None,
) -> CollectorRegistry:
    """The gauges of one night. Without figures (warehouse unreadable): its outcome only."""
    registry = CollectorRegistry()

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, labels, registry=registry)

    gauge("nightshift_night_success", "1 if the latest night succeeded, 0 if it failed.").set(
        int(success)
    )
    gauge(
        "nightshift_night_business_date_timestamp_seconds",
        "The latest night's business date (00:00 business time, Unix seconds).",
    ).set(day_start(business_date, tz))
    gauge(
        "nightshift_night_finished_timestamp_seconds",
        "When the latest night ended, successfully or not (Unix seconds).",
    ).set(finished_at.timestamp())
    if figures is None:
        return registry

    if figures.last_success_date is not None or success:
        last = max(d for d in (figures.last_success_date, business_date if success else None) if d)
        gauge(
            "nightshift_last_success_business_date_timestamp_seconds",
            "Latest business date whose night succeeded (00:00 business time, Unix seconds).",
        ).set(day_start(last, tz))
    if figures.started_at is not None:
        gauge("nightshift_night_duration_seconds", "Duration of the latest night.").set(
            (finished_at - figures.started_at).total_seconds()
        )
    if figures.attempts is not None:
        gauge("nightshift_night_attempts", "Times the latest night's date has run.").set(
            figures.attempts
        )
    _load_gauges(gauge, figures.loads)
    _model_gauges(gauge, figures)
    quality = gauge(
        "nightshift_data_quality",
        "The night's data-quality figures (monitoring.data_quality).",
        ("source", "metric", "detail"),
    )
    for row in figures.data_quality:
        quality.labels(row["source"], row["metric"], row["detail"]).set(row["value"])
    return registry


def _load_gauges(gauge: Callable[..., Gauge], loads: Rows) -> None:
    counts = {
        column: gauge(
            f"nightshift_{column}", f"The night's {column.replace('_', ' ')}.", ["source"]
        )
        for column in ("rows_read", "rows_loaded", "rows_quarantined", "rows_published")
    }
    rate = gauge(
        "nightshift_quarantine_rate",
        "Share of the rows read that the gate quarantined.",
        ("source",),
    )
    for row in loads:
        for column, series in counts.items():
            if row[column] is not None:
                series.labels(row["source"]).set(row[column])
        if row["rows_read"] and row["rows_quarantined"] is not None:
            rate.labels(row["source"]).set(row["rows_quarantined"] / row["rows_read"])


def _model_gauges(gauge: Callable[..., Gauge], figures: NightFigures) -> None:
    promoted = gauge(
        "nightshift_model_promoted", "1 if the challenger replaced the champion.", ("model",)
    )
    challenger = gauge(
        "nightshift_model_challenger_score", "Challenger on the holdout.", ("model", "metric")
    )
    champion = gauge(
        "nightshift_model_champion_score", "Champion on the same holdout.", ("model", "metric")
    )
    for row in figures.decisions:
        promoted.labels(row["model_name"]).set(int(row["promoted"]))
        challenger.labels(row["model_name"], row["metric"]).set(row["challenger_score"])
        if row["champion_score"] is not None:
            champion.labels(row["model_name"], row["metric"]).set(row["champion_score"])

    performance = gauge(
        "nightshift_model_performance",
        "The night's chain-wide model figures (monitoring.model_performance).",
        ("model", "metric", "window_days"),
    )
    for row in figures.performance:
        performance.labels(row["model_name"], row["metric"], row["window_days"]).set(row["value"])

    drifted = gauge("nightshift_drifted_features", "Input features that drifted.", ("model",))
    share = gauge(
        "nightshift_drifted_feature_share",
        "Share of the input features tested that drifted.",
        ("model",),
    )
    for row in figures.drift:
        drifted.labels(row["model_name"]).set(row["drifted"])
        share.labels(row["model_name"]).set(row["drifted"] / row["tested"])

    # Every model the night decided on or watched gets a value, 0 when not degraded, so an
    # alert resolves when a model recovers rather than when its series disappears.
    degraded = gauge(
        "nightshift_model_degraded",
        "Degradation events open as of the night (found and not resolved).",
        ("model",),
    )
    alerted = gauge(
        "nightshift_model_degradation_alerts",
        "Degradation alerts the night sent.",
        ("model",),
    )
    events = {row["model_name"]: row for row in figures.degradation}
    models = {
        row["model_name"] for rows in (figures.decisions, figures.performance, figures.drift)
        for row in rows
    } | set(events)  # fmt: skip
    for model in sorted(models):
        row = events.get(model, {"open_events": 0, "alerted": 0})
        degraded.labels(model).set(row["open_events"])
        alerted.labels(model).set(row["alerted"])


def push_night(
    settings: Settings,
    engine: Callable[[], Engine],
    business_date: date,
    success: bool,
    finished_at: datetime,
) -> PushResult:
    """Push the night's figures when ``NIGHTSHIFT_PUSHGATEWAY_URL`` is set; never raises.

    ``engine`` is called only here, inside the guard: in a failure callback the warehouse
    itself may be what failed."""
    if not settings.pushgateway_url:
        return PushResult(attempted=False)
    figures, read_error = None, None
    try:
        figures = read_figures(engine(), business_date)
    except Exception as error:  # a monitoring read must not fail the night
        read_error = f"could not read the night's figures: {type(error).__name__}: {error}"
        log.warning("%s; pushing the night's outcome only", read_error)
    try:
        registry = build_registry(business_date, success, finished_at, settings.tz, figures)
        push_to_gateway(
            settings.pushgateway_url,
            job=JOB,
            registry=registry,
            timeout=settings.pushgateway_timeout_s,
        )
    except Exception as error:  # an unreachable gateway must not fail the night
        message = f"could not push to {settings.pushgateway_url}: {type(error).__name__}: {error}"
        log.warning("night %s: %s", business_date, message)
        return PushResult(attempted=True, pushed=False, error=message)
    return PushResult(attempted=True, pushed=True, error=read_error)
