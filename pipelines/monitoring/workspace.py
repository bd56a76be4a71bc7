"""The local Evidently workspace under the data directory: one project per model, each with a
dashboard of its key figures across nights, and the night's snapshots.

Evidently's embedded default (``evidently.ui.workspace.Workspace``: JSON files on disk) at
``<data_dir>/evidently``; ``nightshift monitor ui`` (``make monitor``) serves it. A snapshot's
id is derived from (model, business date, kind), so re-running a night replaces its snapshots
instead of adding copies (written through the workspace's local state, which is what
``Workspace.add_run`` itself does with a random id).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.monitoring.evidently_compat import evidently
from pipelines.monitoring.performance import CHURN, SALES, SENTIMENT, TRAFFIC
from pipelines.settings import Settings

NAMESPACE = uuid.UUID("6c1f5a0e-2f4b-4d59-9a56-6e6967687473")
DESCRIPTIONS = {
    TRAFFIC: "Hourly foot traffic per store (GRU, P10/P50/P90): drift, accuracy, coverage.",
    SALES: "Daily sales per store (random forest): drift and accuracy of store totals.",
    SENTIMENT: "Review sentiment (fine-tuned encoder): drift and macro-F1 on rated reviews.",
    CHURN: "Loyalty churn (P(return within 30 days)): drift, ROC AUC and Brier score.",
}
# The warehouse figures (7-day window, chain) shown on each model's dashboard, with their titles.
FIGURE_PANELS: dict[str, dict[str, str]] = {
    TRAFFIC: {
        "coverage_open_hours": "P10-P90 coverage of open hours (7 days)",
        "ratio_seasonal_naive": "MAE / seasonal naive (7 days)",
        "mase": "MASE (7 days)",
    },
    SALES: {"wape": "WAPE (7 days)", "ratio_seasonal_naive": "MAE / seasonal naive (7 days)"},
    SENTIMENT: {"macro_f1": "Macro-F1 on rated reviews (7 days)"},
    CHURN: {"auc": "ROC AUC (cutoff 30 days ago)", "brier": "Brier score (cutoff 30 days ago)"},
}
PERFORMANCE_PANELS: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    TRAFFIC: [("MAE", "P50 MAE, visitors per hour (7 days)", {"value_type": "mean"})],
    SALES: [("MAE", "MAE of store totals, PEN per day (7 days)", {"value_type": "mean"})],
    SENTIMENT: [("F1Score", "F1 score (7 days)", {})],
    CHURN: [("RocAuc", "ROC AUC (Evidently)", {})],
}


def workspace_dir(settings: Settings) -> Path:
    return settings.data_dir / "evidently"


def open_workspace(path: Path) -> Any:
    evidently()
    from evidently.ui.workspace import Workspace

    path.mkdir(parents=True, exist_ok=True)
    return Workspace(str(path))


def _metric(metric: str, legend: str, tags: list[str], labels: dict[str, str]) -> Any:
    from evidently.sdk.models import PanelMetric

    return PanelMetric(legend=legend, metric=metric, metric_labels=labels, tags=tags)


def _panels(model_name: str, features: Sequence[str]) -> list[Any]:
    from evidently.sdk.panels import line_plot_panel

    share = {"value_type": "share"}
    panels = [
        line_plot_panel(
            title="Drifted input features (share)",
            values=[_metric("DriftedColumnsCount", "share", ["data_drift"], share)],
            size="half",
        ),
        line_plot_panel(
            title="Prediction drift score",
            values=[
                _metric("ValueDrift", "prediction", ["prediction_drift"], {"column": "prediction"})
            ],
            size="half",
        ),
        line_plot_panel(
            title="Input drift score per feature",
            values=[
                _metric("ValueDrift", name, ["data_drift"], {"column": name}) for name in features
            ],
        ),
    ]
    for metric, title, labels in PERFORMANCE_PANELS[model_name]:
        panels.append(
            line_plot_panel(
                title=title,
                values=[_metric(metric, metric, ["performance"], labels)],
                size="half",
            )
        )
    for figure, title in FIGURE_PANELS[model_name].items():
        panels.append(
            line_plot_panel(
                title=title,
                values=[_metric("MeanValue", figure, ["figures"], {"column": figure})],
                size="half",
            )
        )
    return panels


def project_for(workspace: Any, model_name: str, features: Sequence[str]) -> Any:
    """The model's project, created with its dashboard the first time."""
    for project in workspace.search_project(model_name):
        if project.name == model_name:
            return project
    project = workspace.create_project(model_name)
    project.description = DESCRIPTIONS[model_name]
    project.save()
    for panel in _panels(model_name, features):
        project.dashboard.add_panel(panel)
    return project


def snapshot_id(model_name: str, day: date, kind: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{model_name}/{day.isoformat()}/{kind}")


def put_snapshot(
    workspace: Any, project: Any, model_name: str, day: date, kind: str, snapshot: Any
) -> uuid.UUID:
    """Store ``snapshot`` as the night's ``kind`` snapshot of the model (replaces one)."""
    sid = snapshot_id(model_name, day, kind)
    workspace.state.write_snapshot(project.id, sid, snapshot.to_snapshot_model())
    return sid
