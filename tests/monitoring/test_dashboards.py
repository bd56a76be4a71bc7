"""The Grafana dashboards: generated from their panels' SQL, parseable, pointing at the
provisioned data source, and every panel's SQL runs as the analyst role and returns exactly the
columns its panel reads. Grafana itself cannot run here (no package on any reachable registry):
what Grafana does with these files is not tested, only what it is given."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from pipelines.monitoring import dashboards
from pipelines.monitoring.dashboards import DASHBOARDS, Dashboard, Panel, panel_sql, sql_path
from pipelines.paths import REPO_ROOT
from tests.monitoring.panels import EVERY_PANEL, panel_id, run_panel

PROVISIONING = REPO_ROOT / "docker" / "grafana" / "provisioning"


def _committed(dashboard: Dashboard) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(dashboards.json_path(dashboard).read_text("utf-8"))
    return parsed


def test_committed_dashboards_are_what_the_panels_generate() -> None:
    assert dashboards.stale() == [], "run `make dashboards` and commit the result"
    assert dashboards.main(["--check"]) == 0


def test_every_dashboard_file_and_every_panel_query_belongs_to_a_panel() -> None:
    files = {p.name for p in dashboards.DASHBOARD_DIR.glob("*.json")}
    assert files == {f"{d.name}.json" for d in DASHBOARDS}
    queries = set(dashboards.PANEL_SQL_DIR.rglob("*.sql"))
    assert queries == {sql_path(d, p) for d, p in EVERY_PANEL}
    assert len({d.uid for d in DASHBOARDS}) == len(DASHBOARDS)


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=lambda d: d.name)
def test_dashboard_json_references_only_existing_queries_and_the_provisioned_source(
    dashboard: Dashboard,
) -> None:
    model = _committed(dashboard)
    assert model["uid"] == dashboard.uid and model["timezone"] == "utc"
    panels = model["panels"]
    assert [p["id"] for p in panels] == list(range(1, len(dashboard.panels) + 1))
    datasource = dashboards.DATASOURCE
    for panel in panels:
        assert panel["datasource"] == datasource
        assert panel["gridPos"]["x"] >= 0 and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        (target,) = panel["targets"]
        assert target["datasource"] == datasource and target["rawQuery"] is True
        # The description names the query's file; the embedded SQL is that file, verbatim.
        source = panel["description"].rsplit("SQL: ", 1)[1]
        assert (REPO_ROOT / source).read_text("utf-8") == target["rawSql"]
        expected = "time_series" if panel["type"] == "timeseries" else "table"
        assert target["format"] == expected
        # Grafana would read $name as a dashboard variable or macro: there are none.
        assert "$" not in target["rawSql"]


def test_the_panels_data_source_is_the_provisioned_analyst_login() -> None:
    config = yaml.safe_load((PROVISIONING / "datasources" / "nightshift.yml").read_text())
    (warehouse,) = [d for d in config["datasources"] if d["uid"] == dashboards.DATASOURCE["uid"]]
    assert warehouse["type"] == dashboards.DATASOURCE["type"]
    assert warehouse["user"] == "nightshift_analyst"
    assert warehouse["jsonData"]["database"] == "nightshift"
    assert warehouse["secureJsonData"]["password"] == "$ANALYST_PASSWORD"
    provider = yaml.safe_load((PROVISIONING / "dashboards" / "nightshift.yml").read_text())
    (files,) = provider["providers"]
    assert files["type"] == "file" and files["options"]["path"]


@pytest.mark.parametrize(("dashboard", "panel"), EVERY_PANEL, ids=lambda c: c.name)
def test_panel_sql_runs_as_the_analyst_and_returns_its_columns(
    nights: Engine, dashboard: Dashboard, panel: Panel
) -> None:
    columns, rows = run_panel(nights, dashboard, panel)
    assert tuple(columns) == panel.columns, panel_sql(dashboard, panel)
    assert rows, f"{panel_id((dashboard, panel))} returned nothing on the seeded nights"
    if panel.kind == "timeseries":
        times = [row[0] for row in rows]
        assert all(isinstance(t, datetime) and t.tzinfo is not None for t in times)
        assert times == sorted(times), "Grafana needs time series ordered by time"
        values = [i for i, c in enumerate(columns) if c not in ("time", "metric")]
        assert all(isinstance(row[i], int | float) for row in rows for i in values)


def _by_panel(nights: Engine, dashboard: str, panel: str) -> list[tuple[Any, ...]]:
    (board,) = [d for d in DASHBOARDS if d.name == dashboard]
    (found,) = [p for p in board.panels if p.name == panel]
    return run_panel(nights, board, found)[1]


def _day(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def test_panels_show_the_figures_worked_out_by_hand(nights: Engine) -> None:
    nov = {day: _day(date(2026, 11, day)) for day in (19, 20, 21, 22)}
    assert _by_panel(nights, "nights", "night_duration") == [
        (nov[19], 1.0), (nov[20], 2.5), (nov[21], 3.0)
    ]  # fmt: skip
    status = _by_panel(nights, "nights", "night_status")
    assert [(r[0], r[1], r[6]) for r in status] == [
        (nov[21], "success", None), (nov[20], "success", None),
        (nov[19], "failed", "pos.validate"),
    ]  # fmt: skip
    # The plan for the 22nd made on the 21st (S1: 16 + 8, S2: 12); not the one two days ahead.
    assert _by_panel(nights, "nights", "staff_hours_planned") == [
        (nov[21], "S1", 10.0), (nov[22], "S1", 24.0), (nov[22], "S2", 12.0)
    ]  # fmt: skip
    assert _by_panel(nights, "nights", "rewards_value") == [
        (nov[21], "vip", 50.0), (nov[21], "win_back", 50.0)
    ]  # fmt: skip
    assert _by_panel(nights, "nights", "promotions_planned") == [
        (nov[21], "high", 2.0), (nov[21], "low", 1.0)
    ]  # fmt: skip
    # The last try of each task, slowest first.
    assert _by_panel(nights, "nights", "task_durations_latest") == [
        ("train_traffic", 14.0, "success", 2), ("train_sales", 4.0, "success", 1),
        ("forecast", 1.7, "success", 1),
    ]  # fmt: skip
    assert _by_panel(nights, "data", "quarantine_rate") == [
        (nov[20], "pos_lines", 0.05), (nov[21], "pos_lines", 0.01), (nov[21], "reviews", 0.0)
    ]  # fmt: skip
    assert _by_panel(nights, "data", "drifted_feature_share") == [
        (nov[21], "sales_rf", 1.0), (nov[21], "traffic_rnn", 0.25)
    ]  # fmt: skip
    assert _by_panel(nights, "models", "traffic_ratio_seasonal_naive") == [
        (nov[21], "S1", 0.70), (nov[21], "S2", 0.80), (nov[21], "chain", 0.75)
    ]  # fmt: skip
    assert [r[:2] for r in _by_panel(nights, "models", "loyalty_models")] == [
        (nov[21], "customer_churn auc"), (nov[21], "customer_churn brier"),
        (nov[21], "review_sentiment macro_f1"),
    ]  # fmt: skip
