"""The nightly ``monitor`` task: measure every model and the night, keep the reports, act on
degradation.

Per model: which version served the night, its performance on the actuals that landed, an input
drift, a prediction drift and a performance report (Evidently snapshots in the workspace and HTML
under ``<data_dir>/reports/<business date>/monitoring/``), and what happened
(monitoring.model_status: ``ok``, ``no_champion``, ``no_actuals_yet``, ``partial``). Then data
quality per source, the degradation events (email to the data engineers) and the task durations.

Missing inputs never fail the night: the first nights have no actuals for any forecast, a model
may have no champion yet (churn in a young deployment), a store may have sent nothing. The monitor
says so in model_status / data_quality and goes on; only the warehouse itself failing stops it.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pipelines.monitoring import degradation, frames, performance, quality, reports, store
from pipelines.monitoring.alerting import send_degradation_alert
from pipelines.monitoring.performance import (
    CHURN,
    CHURN_HORIZON_DAYS,
    SALES,
    SENTIMENT,
    TRAFFIC,
    Figure,
)
from pipelines.monitoring.workspace import (
    FIGURE_PANELS,
    open_workspace,
    project_for,
    put_snapshot,
    workspace_dir,
)
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

log = logging.getLogger(__name__)
MODELS = (TRAFFIC, SALES, SENTIMENT, CHURN)
# What "no actuals yet" means for each model, for model_status.
NO_ACTUALS = {
    TRAFFIC: "no traffic forecast made before this date has door counts yet",
    SALES: "no sales forecast made before this date has sales yet",
    SENTIMENT: "no scored review with a rating in the window yet",
    CHURN: "no churn scores whose 30 days have passed yet",
}


@dataclass
class ModelNight:
    """What the monitor found for one model tonight."""

    model_name: str
    version: str | None = None
    mlflow_run_id: str | None = None
    figures: list[Figure] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    reports: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    status: str = "ok"
    events: list[degradation.Event] = field(default_factory=list)
    constant_inputs: int = 0  # inputs with one value in both windows (did not drift)

    def note(self, status: str, text: str) -> None:
        self.notes.append(text)
        # The first problem names the status; later ones only add to the detail.
        if self.status == "ok":
            self.status = status


def served(engine: Engine, settings: Settings, model_name: str, day: date) -> str | None:
    """The version the night used (its decision), else the champion alias, else None."""
    from pipelines.training.serving import served_version

    decided = served_version(engine, model_name, day, day)
    if decided is not None:
        return decided.version
    from pipelines.tracking import configure_mlflow
    from pipelines.training.promotion import champion_version

    configure_mlflow(settings)
    return champion_version(model_name)


def _drift_rows(
    inputs: frames.Inputs, verdicts: list[reports.ColumnDrift], night: ModelNight
) -> list[dict[str, Any]]:
    return [
        {
            "model_name": night.model_name,
            "model_version": night.version,
            "drift_kind": inputs.kind,
            "feature": v.column,
            "test_name": v.method,
            "statistic": v.score,
            "p_value": v.p_value,
            "threshold": v.threshold,
            "drifted": v.drifted,
            "reference_rows": len(inputs.reference),
            "current_rows": len(inputs.current),
            "mlflow_run_id": night.mlflow_run_id,
        }
        for v in verdicts
    ]


class _Reports:
    """Builds, saves and files one model's reports for the night."""

    def __init__(self, settings: Settings, window: RunWindow, workspace: Any) -> None:
        self.settings, self.window, self.workspace = settings, window, workspace
        self.projects: dict[str, Any] = {}
        day = window.business_date
        self.folder = settings.data_dir / "reports" / day.isoformat() / "monitoring"

    def project(self, model_name: str) -> Any:
        if model_name not in self.projects:
            features = list(frames.INPUTS[model_name].columns)
            self.projects[model_name] = project_for(self.workspace, model_name, features)
        return self.projects[model_name]

    def keep(self, night: ModelNight, kind: str, snapshot: Any) -> None:
        project = self.project(night.model_name)
        put_snapshot(
            self.workspace, project, night.model_name, self.window.business_date, kind, snapshot
        )
        night.reports[kind] = reports.save_html(
            snapshot, self.folder / f"{night.model_name}-{kind}.html"
        )

    def drift(self, engine: Engine, night: ModelNight, kind: str) -> None:
        day, rows = self.window.business_date, self.settings.monitor_reference_rows
        if kind == "data":
            assert night.version is not None
            inputs = frames.input_frames(
                engine,
                night.model_name,
                night.version,
                day,
                self.settings.monitor_window_days,
                rows,
            )
        else:
            inputs = frames.prediction_frames(engine, night.model_name, day, rows)
        if not inputs.usable:
            side = "reference" if inputs.reference.empty else "current"
            first, last = inputs.reference_window if side == "reference" else inputs.current_window
            night.note("partial", f"{kind} drift not measured: no {side} rows ({first}..{last})")
            return
        columns, constant, empty = reports.comparable(inputs)
        if constant:
            night.notes.append(f"{kind} drift: {', '.join(constant)} constant, not compared")
        if empty:
            night.notes.append(f"{kind} drift: {', '.join(empty)} empty, not compared")
        if kind == "data":
            night.constant_inputs = len(constant)
        if not columns:
            return
        snapshot, verdicts = reports.drift_report(
            inputs, day, night.version, self.window.dag_run_id, columns
        )
        self.keep(night, f"{kind}-drift", snapshot)
        night.drift += _drift_rows(inputs, verdicts, night)

    def performance(self, night: ModelNight, scored: performance.Scored) -> None:
        snapshot = reports.performance_report(
            scored, self.window.business_date, night.version, self.window.dag_run_id
        )
        self.keep(night, "performance", snapshot)

    def figures(self, night: ModelNight) -> None:
        window = (
            CHURN_HORIZON_DAYS if night.model_name == CHURN else self.settings.monitor_window_days
        )
        values = {
            f.metric: float(f.value)
            for f in night.figures
            if f.scope == "chain"
            and f.window_days == window
            and f.value is not None
            and f.metric in FIGURE_PANELS[night.model_name]
        }
        if values:
            snapshot = reports.figures_report(
                night.model_name,
                values,
                self.window.business_date,
                night.version,
                self.window.dag_run_id,
            )
            self.keep(night, "figures", snapshot)


def _guarded(night: ModelNight, what: str, step: Any, *args: Any) -> None:
    """Run one report step; a failure of a report is recorded, not a failed night."""
    began = time.monotonic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn/Evidently chatter on tiny samples
            step(*args)
        log.info("%s: %s report in %.1f s", night.model_name, what, time.monotonic() - began)
    except Exception as error:  # Evidently on unusual data: record it, keep monitoring
        log.exception("%s: %s report failed", night.model_name, what)
        night.note("partial", f"{what} report failed: {type(error).__name__}: {error}")


def _empty_stores(engine: Engine, night: ModelNight, day: date) -> None:
    if night.model_name not in (TRAFFIC, SALES):
        return
    with engine.connect() as conn:
        stores = set(conn.execute(sql("ref/store_ids")).scalars())
    measured = {f.store_id for f in night.figures if f.window_days == 1 and f.scope == "store"}
    missing = sorted(stores - measured)
    if missing and measured:
        night.note("partial", f"no actuals tonight for store(s) {', '.join(missing)}")


def measure_model(
    engine: Engine, settings: Settings, window: RunWindow, model_name: str, builder: _Reports
) -> ModelNight:
    day = window.business_date
    builder.project(model_name)  # every model has its project, even before its first report
    night = ModelNight(model_name, version=served(engine, settings, model_name, day))
    if night.version is not None:
        registered = frames.trained_on(engine, model_name, night.version)
        night.mlflow_run_id = registered[1] if registered else None
    else:
        night.note("no_champion", f"no {model_name} model yet: drift not measured")
    night.figures, scored = performance.MEASURES[model_name](
        engine, day, degradation.figure_windows(settings)
    )
    if not night.figures:
        night.note("no_actuals_yet", NO_ACTUALS[model_name])
    _empty_stores(engine, night, day)
    if night.version is not None:
        _guarded(night, "input drift", builder.drift, engine, night, "data")
    _guarded(night, "prediction drift", builder.drift, engine, night, "prediction")
    if not scored.frame.empty:
        _guarded(night, "performance", builder.performance, night, scored)
        _guarded(night, "figures", builder.figures, night)
    # A constant input did not drift: it counts in the share (an empty one is unknown).
    data = [row for row in night.drift if row["drift_kind"] == "data"]
    judged = len(data) + night.constant_inputs
    share = (sum(r["drifted"] for r in data) / judged, judged) if data else None
    holdout = degradation.holdout_score(engine, model_name, night.version)
    night.events = degradation.evaluate(
        settings, model_name, night.version, night.figures, share, holdout
    )
    for i, event in enumerate(night.events):
        kind = "data-drift" if event.metric == degradation.DRIFTED_SHARE else "performance"
        path = night.reports.get(kind)
        night.events[i] = replace(event, report_path=str(path) if path else None)
    return night


def monitor(
    engine: Engine, settings: Settings, window: RunWindow, dag_id: str | None = None
) -> dict[str, Any]:
    """The whole monitor for the window's business date; small counts for XCom/ops."""
    from pipelines.monitoring import durations

    day = window.business_date
    builder = _Reports(settings, window, open_workspace(workspace_dir(settings)))
    nights = [measure_model(engine, settings, window, m, builder) for m in MODELS]
    figures = store.NightFigures(day, window.dag_run_id, quality=quality.figures(engine, day))
    for night in nights:
        figures.performance += night.figures
        figures.drift += night.drift
        figures.status.append(
            {
                "model_name": night.model_name,
                "model_version": night.version,
                "status": night.status,
                "detail": "; ".join(night.notes) or "measured",
                "reports": ", ".join(str(p) for p in night.reports.values()) or None,
            }
        )
    store.replace_night(engine, figures)
    events = [e for night in nights for e in night.events]
    kept = degradation.record(engine, day, window.dag_run_id, events, settings.monitor_window_days)
    to_alert = [e for e in kept if not e.alerted]
    alerted = bool(to_alert) and send_degradation_alert(settings, day, to_alert)
    if alerted:
        degradation.mark_alerted(engine, day, to_alert)
    tasks = durations.record(engine, settings, window, dag_id) if dag_id else 0
    counts: dict[str, Any] = {
        "figures": len(figures.performance),
        "drift_rows": len(figures.drift),
        "degraded": len(kept),
        "alerted": len(to_alert) if alerted else 0,
        "tasks_recorded": tasks,
    }
    counts |= {night.model_name: night.status for night in nights}
    return counts
