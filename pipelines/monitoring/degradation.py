"""Degradation: a figure crossing its threshold forces the model's retrain the next night.

The monitor judges each model on trailing windows ending on the business date (the main window
``monitor_window_days``; the short ``monitor_shift_days`` for bias; churn on the cutoff whose 30
days just ended), per store and for the chain, where a figure rests on at least
``monitor_min_observations`` observations:

* traffic and sales: MAE ratio to seasonal naive above ``monitor_max_ratio_seasonal_naive``,
  relative bias beyond plus or minus ``monitor_max_abs_bias`` (a level shift shows there first);
* traffic: P10-P90 coverage of open hours outside ``monitor_coverage_band``;
* sentiment / churn: macro-F1 / ROC AUC more than ``monitor_max_f1_drop`` /
  ``monitor_max_auc_drop`` below the holdout score the model version was registered with;
* every model: share of input features that drifted above ``monitor_max_drifted_share``.

A crossing is an event in monitoring.degradation_events (action ``retrain_next_night``); a
model flagged is not flagged again within the main window (its trailing figures keep the bad
days, and the old model's predictions, that long). The next night's train task asks
``retrain_requested`` before reusing a model and trains instead; its decision in
ops.model_promotions starts with ``monitoring: ...`` (``acted_on``, called where the decision is
written), which marks the events resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from pipelines.monitoring.performance import (
    CHURN,
    CHURN_HORIZON_DAYS,
    SALES,
    SENTIMENT,
    TRAFFIC,
    Figure,
)
from pipelines.settings import Settings
from pipelines.sqlfiles import sql

RETRAIN = "retrain_next_night"
DRIFTED_SHARE = "drifted_share"


@dataclass(frozen=True)
class Threshold:
    metric: str
    direction: str  # 'above': degraded when the value is above; 'below': when below
    value: float
    why: str  # where the threshold comes from, for the alert
    window_days: int | None = None  # the trailing window judged; None: the main window

    def crossed(self, value: float) -> bool:
        return value > self.value if self.direction == "above" else value < self.value


@dataclass(frozen=True)
class Event:
    model_name: str
    model_version: str | None
    metric: str
    scope: str
    store_id: str | None
    window_days: int
    value: float
    threshold: Threshold
    report_path: str | None = None
    alerted: bool = False
    resolved_on: date | None = None

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return (self.model_name, self.metric, self.scope, self.store_id)

    @property
    def where(self) -> str:
        return "the chain" if self.scope == "chain" else f"store {self.store_id}"

    @property
    def detail(self) -> str:
        limit = f"{self.threshold.direction} {self.threshold.value:.3f}"
        return (
            f"{self.metric} {self.value:.3f} is {limit} ({self.threshold.why}) "
            f"for {self.where} over {self.window_days} days"
        )


def holdout_score(engine: Engine, model_name: str, version: str | None) -> float | None:
    """The holdout score ``version`` was registered with (None when unknown)."""
    if version is None:
        return None
    with engine.connect() as conn:
        score = conn.execute(
            sql("monitoring/holdout_score"), {"model_name": model_name, "version": version}
        ).scalar()
    return None if score is None else float(score)


def thresholds(
    settings: Settings, model_name: str, holdout: float | None = None
) -> list[Threshold]:
    """What ``model_name`` is judged against; ``holdout``: its version's holdout score."""
    window, shift = settings.monitor_window_days, settings.monitor_shift_days
    low, high = settings.monitor_coverage_band
    ratio, bias = settings.monitor_max_ratio_seasonal_naive, settings.monitor_max_abs_bias
    drifted = settings.monitor_max_drifted_share
    found = [Threshold(DRIFTED_SHARE, "above", drifted, "NIGHTSHIFT_MONITOR_MAX_DRIFTED_SHARE")]
    if model_name in (TRAFFIC, SALES):
        found += [
            Threshold(
                "ratio_seasonal_naive",
                "above",
                ratio,
                "NIGHTSHIFT_MONITOR_MAX_RATIO_SEASONAL_NAIVE",
            ),
            Threshold("bias", "above", bias, "NIGHTSHIFT_MONITOR_MAX_ABS_BIAS", shift),
            Threshold("bias", "below", -bias, "NIGHTSHIFT_MONITOR_MAX_ABS_BIAS", shift),
        ]
    if model_name == TRAFFIC:
        found += [
            Threshold("coverage_open_hours", "below", low, "NIGHTSHIFT_MONITOR_COVERAGE_BAND"),
            Threshold("coverage_open_hours", "above", high, "NIGHTSHIFT_MONITOR_COVERAGE_BAND"),
        ]
    if model_name == SENTIMENT and holdout is not None:
        drop = settings.monitor_max_f1_drop
        why = f"holdout macro-F1 {holdout:.3f} - {drop:g}"
        found.append(Threshold("macro_f1", "below", holdout - drop, why))
    if model_name == CHURN and holdout is not None:
        drop = settings.monitor_max_auc_drop
        why = f"holdout AUC {holdout:.3f} - {drop:g}"
        found.append(Threshold("auc", "below", holdout - drop, why, CHURN_HORIZON_DAYS))
    # Everything else is judged on the main window.
    return [t if t.window_days else replace(t, window_days=window) for t in found]


def figure_windows(settings: Settings) -> tuple[int, ...]:
    """The trailing windows the monitor measures: the night alone, the shift window and the
    main window."""
    return tuple(sorted({1, settings.monitor_shift_days, settings.monitor_window_days}))


def evaluate(
    settings: Settings,
    model_name: str,
    version: str | None,
    figures: list[Figure],
    drifted_share: tuple[float, int] | None,
    holdout: float | None = None,
) -> list[Event]:
    """The events of one model tonight: every judged figure that crossed a threshold."""
    events = []
    for threshold in thresholds(settings, model_name, holdout):
        if threshold.metric == DRIFTED_SHARE:
            if drifted_share is not None and threshold.crossed(drifted_share[0]):
                events.append(
                    Event(model_name, version, DRIFTED_SHARE, "chain", None,
                          settings.monitor_window_days, drifted_share[0], threshold)
                )  # fmt: skip
            continue
        for figure in figures:
            judged = (
                figure.model_name == model_name
                and figure.metric == threshold.metric
                and figure.window_days == threshold.window_days
                and figure.n_obs >= settings.monitor_min_observations
            )
            if judged and figure.value is not None and threshold.crossed(figure.value):
                events.append(
                    Event(model_name, version, figure.metric, figure.scope, figure.store_id,
                          figure.window_days, figure.value, threshold)
                )  # fmt: skip
    return events


def record(engine: Engine, day: date, run_id: str, events: list[Event], days: int) -> list[Event]:
    """Replace the night's events with ``events``, less those of models already flagged in the
    ``days`` before; a re-run keeps whether an event was alerted and acted on. Returns what was
    kept."""
    with engine.begin() as conn:
        recent = set(
            conn.execute(
                sql("monitoring/events_recent"), {"business_date": day, "days": days}
            ).scalars()
        )
        before = {
            (r.model_name, r.metric, r.scope, r.store_id): r
            for r in conn.execute(sql("monitoring/events_existing"), {"business_date": day})
        }
        kept = []
        for event in events:
            if event.model_name in recent:
                continue
            earlier = before.get(event.key)
            if earlier is not None:
                event = replace(event, alerted=earlier.alerted, resolved_on=earlier.resolved_on)
            kept.append(event)
        conn.execute(sql("monitoring/events_delete"), {"business_date": day})
        if kept:
            conn.execute(sql("monitoring/events_insert"), [_row(day, run_id, e) for e in kept])
    return kept


def _row(day: date, run_id: str, event: Event) -> dict[str, Any]:
    return {
        "business_date": day,
        "model_name": event.model_name,
        "model_version": event.model_version,
        "metric": event.metric,
        "scope": event.scope,
        "store_id": event.store_id,
        "window_days": event.window_days,
        "value": event.value,
        "threshold": event.threshold.value,
        "direction": event.threshold.direction,
        "report_path": event.report_path,
        "action": RETRAIN,
        "alerted": event.alerted,
        "resolved_on": event.resolved_on,
        "detail": event.detail,
        "run_id": run_id,
    }


def mark_alerted(engine: Engine, day: date, events: list[Event]) -> None:
    with engine.begin() as conn:
        conn.execute(
            sql("monitoring/events_mark_alerted"),
            [
                {
                    "business_date": day,
                    "model_name": e.model_name,
                    "metric": e.metric,
                    "scope": e.scope,
                    "store_id": e.store_id,
                }
                for e in events
            ],
        )


def _describe(rows: list[Any]) -> str:
    first = rows[0]
    where = "the chain" if first.scope == "chain" else f"store {first.store_id}"
    more = f" (+{len(rows) - 1} more)" if len(rows) > 1 else ""
    return (
        f"monitoring: {first.metric} {first.value:.3f} crossed {first.threshold:.3f} "
        f"({where}, {first.business_date}){more}"
    )


def retrain_requested(engine: Engine, model_name: str, business_date: date) -> str | None:
    """Why the model must be retrained tonight (an open degradation event of an earlier night),
    or None."""
    with engine.connect() as conn:
        rows = conn.execute(
            sql("monitoring/events_open"),
            {"model_name": model_name, "business_date": business_date},
        ).all()
    return _describe(list(rows)) if rows else None


def acted_on(conn: Connection, model_name: str, business_date: date) -> str | None:
    """Inside the transaction that records tonight's decision for a trained model: mark the
    model's open events resolved by tonight and return the reason to prefix the decision with."""
    params = {"model_name": model_name, "business_date": business_date}
    rows = conn.execute(sql("monitoring/events_open"), params).all()
    if not rows:
        return None
    conn.execute(sql("monitoring/events_resolve"), params)
    return _describe(list(rows)) + " -> retrained"
