"""Grafana dashboards as code: the panels are listed here, each panel's SQL lives in
``sql/dashboards/<dashboard>/<panel>.sql``, and the JSON Grafana loads
(``docker/grafana/dashboards/<dashboard>.json``) is generated from both, never edited by hand.

    python -m pipelines.monitoring.dashboards          # (= make dashboards) rewrite the JSON
    python -m pipelines.monitoring.dashboards --check  # exit 1 if the JSON is not up to date

Every panel reads the warehouse through the provisioned PostgreSQL data source, which logs in
as the read-only analyst role. The SQL is plain (no Grafana macros or variables, so it runs
unchanged in psql and in the tests): time-series panels return ``time`` (timestamptz),
``metric`` (the series) and ``value``, as Grafana's SQL data sources expect. Dates are business
dates at midnight UTC and the dashboards are set to UTC, so each point sits on its own date.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pipelines.paths import REPO_ROOT, SQL_DIR

PANEL_SQL_DIR = SQL_DIR / "dashboards"
DASHBOARD_DIR = REPO_ROOT / "docker" / "grafana" / "dashboards"
# Must match docker/grafana/provisioning/datasources/nightshift.yml.
DATASOURCE = {"type": "grafana-postgresql-datasource", "uid": "nightshift-warehouse"}
SERIES = ("time", "metric", "value")
GRID_WIDTH = 24


@dataclass(frozen=True)
class Panel:
    """One panel; its query is ``sql/dashboards/<dashboard>/<name>.sql``."""

    name: str
    title: str
    kind: Literal["timeseries", "table"]
    columns: tuple[str, ...]  # exactly what the query returns and the panel reads, in order
    unit: str = "none"
    threshold: float | None = None  # drawn as a dashed red line (a target or a limit)


@dataclass(frozen=True)
class Dashboard:
    name: str  # folder under sql/dashboards/ and the JSON file's name
    title: str
    panels: tuple[Panel, ...]

    @property
    def uid(self) -> str:
        return f"nightshift-{self.name}"


DASHBOARDS = (
    Dashboard(
        "models",
        "nightshift · models",
        (
            Panel("traffic_ratio_seasonal_naive", "Traffic RNN: P50 MAE ÷ seasonal naive",
                  "timeseries", SERIES, threshold=1.0),
            Panel("sales_ratio_seasonal_naive", "Sales forest: error ÷ seasonal naive",
                  "timeseries", SERIES, threshold=1.0),
            Panel("traffic_p50_mae", "Traffic RNN: P50 MAE (visitors per hour)", "timeseries",
                  SERIES),
            Panel("traffic_coverage", "Traffic RNN: P10–P90 coverage of open hours",
                  "timeseries", SERIES, unit="percentunit", threshold=0.8),
            Panel("sales_wape", "Sales forest: WAPE", "timeseries", SERIES, unit="percentunit"),
            Panel("loyalty_models", "Review sentiment and churn models", "timeseries", SERIES),
            Panel("model_decisions", "Champion/challenger decisions (60 nights)", "table",
                  ("time", "model_name", "challenger_version", "champion_version", "metric",
                   "challenger_score", "champion_score", "promoted", "reason")),
            Panel("degradation_events", "Degraded models", "table",
                  ("time", "model_name", "model_version", "metric", "value", "threshold",
                   "direction", "action", "alerted", "resolved_on")),
        ),
    ),
    Dashboard(
        "data",
        "nightshift · data quality and drift",
        (
            Panel("quarantine_rate", "Quarantine rate per dataset", "timeseries", SERIES,
                  unit="percentunit", threshold=0.2),
            Panel("drifted_feature_share", "Share of drifted features per model", "timeseries",
                  SERIES, unit="percentunit", threshold=0.5),
            Panel("rows_loaded", "Rows loaded per dataset", "timeseries", SERIES),
            Panel("rows_quarantined", "Rows quarantined per dataset", "timeseries", SERIES),
            Panel("null_share", "NULL share per dataset", "timeseries", SERIES,
                  unit="percentunit"),
            Panel("drifted_features_latest", "Drift tests of each model's latest night", "table",
                  ("model_name", "feature", "test_name", "statistic", "p_value", "threshold",
                   "drifted", "time")),
            Panel("data_quality_latest", "Data quality of the latest night", "table",
                  ("source", "metric", "detail", "value", "time")),
        ),
    ),
    Dashboard(
        "nights",
        "nightshift · nights and outputs",
        (
            Panel("night_duration", "Night duration (minutes)", "timeseries",
                  ("time", "minutes"), unit="m"),
            Panel("train_task_durations", "Training tasks (seconds)", "timeseries", SERIES,
                  unit="s"),
            Panel("night_status", "Last 30 nights", "table",
                  ("time", "status", "attempts", "started_at", "finished_at", "minutes",
                   "failed_task")),
            Panel("task_durations_latest", "Tasks of the latest night (seconds)", "table",
                  ("task_id", "duration_s", "state", "try_number")),
            Panel("staff_hours_planned", "Staff-hours planned per store (the night before)",
                  "timeseries", SERIES, unit="h"),
            Panel("promotions_planned", "Promotions recommended per night, by confidence",
                  "timeseries", SERIES),
            Panel("rewards_issued", "Rewards granted per night", "timeseries", SERIES),
            Panel("rewards_value", "Value of the rewards granted (PEN)", "timeseries", SERIES,
                  unit="suffix: PEN"),
        ),
    ),
)  # fmt: skip


def sql_path(dashboard: Dashboard, panel: Panel) -> Path:
    return PANEL_SQL_DIR / dashboard.name / f"{panel.name}.sql"


def panel_sql(dashboard: Dashboard, panel: Panel) -> str:
    return sql_path(dashboard, panel).read_text(encoding="utf-8")


def json_path(dashboard: Dashboard) -> Path:
    return DASHBOARD_DIR / f"{dashboard.name}.json"


def _description(dashboard: Dashboard, panel: Panel, query: str) -> str:
    """The query's leading comment, then where the query lives (the one place to edit it)."""
    lines = []
    for line in query.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    source = sql_path(dashboard, panel).relative_to(REPO_ROOT).as_posix()
    return " ".join(lines) + f"\n\nSQL: {source}"


def _field_config(panel: Panel) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": panel.unit}
    if panel.threshold is not None:
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": [
                {"color": "transparent", "value": None},
                {"color": "red", "value": panel.threshold},
            ],
        }
        defaults["custom"] = {"thresholdsStyle": {"mode": "dashed"}}
    return {"defaults": defaults, "overrides": []}


def _panel_json(
    dashboard: Dashboard, panel: Panel, panel_id: int, grid: dict[str, int]
) -> dict[str, Any]:
    query = panel_sql(dashboard, panel)
    options: dict[str, Any] = (
        {"legend": {"displayMode": "table", "placement": "right", "showLegend": True},
         "tooltip": {"mode": "multi", "sort": "desc"}}
        if panel.kind == "timeseries"
        else {"showHeader": True, "cellHeight": "sm"}
    )  # fmt: skip
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": _description(dashboard, panel, query),
        "datasource": DATASOURCE,
        "gridPos": grid,
        "fieldConfig": _field_config(panel),
        "options": options,
        "targets": [
            {
                "refId": "A",
                "datasource": DATASOURCE,
                "editorMode": "code",
                "rawQuery": True,
                "format": "time_series" if panel.kind == "timeseries" else "table",
                "rawSql": query,
            }
        ],
    }


def build(dashboard: Dashboard) -> dict[str, Any]:
    """The dashboard's JSON model: time series two to a row, tables full width."""
    panels, x, y = [], 0, 0
    for panel_id, panel in enumerate(dashboard.panels, start=1):
        width, height = (12, 8) if panel.kind == "timeseries" else (GRID_WIDTH, 9)
        if x + width > GRID_WIDTH:
            x, y = 0, y + 8
        panels.append(
            _panel_json(dashboard, panel, panel_id, {"h": height, "w": width, "x": x, "y": y})
        )
        x += width
        if x >= GRID_WIDTH:
            x, y = 0, y + height
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "tags": ["nightshift"],
        "timezone": "utc",
        "editable": False,
        "graphTooltip": 1,
        "time": {"from": "now-90d", "to": "now"},
        "refresh": "1h",
        "schemaVersion": 39,
        "version": 1,
        "templating": {"list": []},
        "annotations": {"list": []},
        "links": [
            {
                "type": "dashboards",
                "tags": ["nightshift"],
                "asDropdown": False,
                "title": "nightshift",
            }
        ],
        "panels": panels,
    }


def render(dashboard: Dashboard) -> str:
    return json.dumps(build(dashboard), indent=2, ensure_ascii=False) + "\n"


def write_all() -> list[Path]:
    DASHBOARD_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for dashboard in DASHBOARDS:
        path = json_path(dashboard)
        path.write_text(render(dashboard), encoding="utf-8")
        written.append(path)
    return written


def stale() -> list[Path]:
    """Committed dashboard files that differ from what the panels and their SQL generate."""
    return [
        json_path(d)
        for d in DASHBOARDS
        if not json_path(d).exists() or json_path(d).read_text(encoding="utf-8") != render(d)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale()
        for path in outdated:
            print(f"{path.relative_to(REPO_ROOT)} is out of date: run `make dashboards`")
        return 1 if outdated else 0
    for path in write_all():
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
