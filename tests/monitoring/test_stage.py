"""The monitor on a hand-made warehouse: the figures it measures, the reports it keeps, and the
bad inputs it must name without failing the night (no actuals yet, no model, an empty store)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text

from pipelines.monitoring import durations
from pipelines.monitoring.stage import MODELS, monitor
from pipelines.monitoring.workspace import open_workspace, snapshot_id, workspace_dir
from pipelines.settings import Settings
from pipelines.window import RunWindow
from tests.monitoring.conftest import Monitored
from tests.monitoring.seed import (
    FIRST_NIGHT,
    MISSED_HOUR,
    NIGHT,
    OPEN_HOURS,
    count,
)

KINDS = ("data-drift", "prediction-drift", "performance", "figures")


def _rows(engine: Engine, query: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(query), params))


def _status(engine: Engine, night: date) -> dict[str, Any]:
    rows = _rows(engine, "select * from monitoring.model_status where business_date = :d", d=night)
    return {row.model_name: row for row in rows}


def test_a_night_without_actuals_yet_says_so_and_succeeds(monitored: Monitored) -> None:
    engine, _, results = monitored
    assert results[FIRST_NIGHT]["traffic_rnn"] == "no_actuals_yet"
    status = _status(engine, FIRST_NIGHT)
    assert "no traffic forecast made before this date has door counts yet" in (
        status["traffic_rnn"].detail
    )
    assert status["sales_rf"].status == "no_actuals_yet"
    assert not _rows(engine, "select 1 from monitoring.model_performance where business_date = :d",
                     d=FIRST_NIGHT)  # fmt: skip
    # Data quality is measured all the same.
    assert _rows(engine, "select 1 from monitoring.data_quality where business_date = :d",
                 d=FIRST_NIGHT)  # fmt: skip


def test_models_without_a_champion_are_named(monitored: Monitored) -> None:
    engine, _, results = monitored
    for model in ("review_sentiment", "customer_churn"):
        assert results[NIGHT][model] == "no_champion"
        assert f"no {model} model yet" in _status(engine, NIGHT)[model].detail
    drifted_models = {r.model_name for r in _rows(
        engine, "select distinct model_name from monitoring.feature_drift where business_date = :d",
        d=NIGHT)}  # fmt: skip
    assert "review_sentiment" not in drifted_models and "customer_churn" not in drifted_models
    assert "traffic_rnn" in drifted_models


def test_an_empty_store_is_named(monitored: Monitored) -> None:
    engine, _, results = monitored
    [empty] = _rows(
        engine,
        "select value, detail from monitoring.data_quality where business_date = :d"
        " and source = 'door_counts' and metric = 'stores_without_rows'",
        d=NIGHT,
    )
    assert (empty.value, empty.detail) == (1, "S2")
    assert results[NIGHT]["traffic_rnn"] == "partial"
    assert "no actuals tonight for store(s) S2" in _status(engine, NIGHT)["traffic_rnn"].detail
    rows = _rows(
        engine,
        "select store_id from monitoring.model_performance where business_date = :d"
        " and model_name = 'traffic_rnn' and window_days = 1 and scope = 'store'",
        d=NIGHT,
    )
    stores = {r.store_id for r in rows}
    assert stores == {"S1"}


def test_traffic_figures_of_the_night_match_the_seed(monitored: Monitored) -> None:
    engine, _, _ = monitored
    figures = {
        r.metric: (r.value, r.n_obs, r.model_version, r.run_id)
        for r in _rows(
            engine,
            "select * from monitoring.model_performance where business_date = :d"
            " and model_name = 'traffic_rnn' and store_id = 'S1' and window_days = 1",
            d=NIGHT,
        )
    }
    actual = sum(count("S1", ts) for ts in _day_hours(NIGHT))
    open_hours = len(OPEN_HOURS)
    assert figures["p50_mae"][:2] == (pytest.approx(2.0 * open_hours / 24), 24)
    assert figures["bias"][0] == pytest.approx(2.0 * open_hours / actual)
    # 13:00 fell below its P10; closed hours are not judged.
    assert figures["coverage_open_hours"][:2] == (pytest.approx(1 - 1 / open_hours), open_hours)
    assert figures["actual_total"][0] == pytest.approx(actual)
    assert figures["p50_mae"][2:] == ("1", f"run-{NIGHT}")
    assert MISSED_HOUR in OPEN_HOURS
    assert {"mase", "ratio_seasonal_naive", "ratio_four_week_mean"} <= set(figures)


def _day_hours(day: date) -> list[Any]:
    from tests.monitoring.seed import _hours

    return _hours(day)


def test_drift_rows_come_from_evidently(monitored: Monitored) -> None:
    engine, _, _ = monitored
    rows = _rows(
        engine,
        "select * from monitoring.feature_drift where business_date = :d"
        " and model_name = 'traffic_rnn' order by drift_kind, feature",
        d=NIGHT,
    )
    data = {r.feature: r for r in rows if r.drift_kind == "data"}
    # No promotion and no rain in the seed: nothing to compare, and the status says so.
    assert set(data) == {"count", "temperature"}
    detail = _status(engine, NIGHT)["traffic_rnn"].detail
    assert "data drift: discount_depth, precipitation constant, not compared" in detail
    for row in rows:
        assert row.test_name and row.threshold > 0 and row.statistic >= 0
        assert row.reference_rows > 0 and row.current_rows > 0
        assert (row.p_value is not None) == ("p_value" in row.test_name)
        assert row.model_version == "1" and row.mlflow_run_id == "run-traffic_rnn"
    assert [r.feature for r in rows if r.drift_kind == "prediction"] == ["prediction"]


def test_reports_are_kept_as_html_and_workspace_snapshots(monitored: Monitored) -> None:
    engine, night_settings, _ = monitored
    folder = night_settings.data_dir / "reports" / NIGHT.isoformat() / "monitoring"
    pages = sorted(p.name for p in folder.glob("*.html"))
    for kind in ("data-drift", "prediction-drift", "performance", "figures"):
        assert f"traffic_rnn-{kind}.html" in pages
    [bundle] = folder.glob("evidently-*.js")
    page = (folder / "traffic_rnn-data-drift.html").read_text("utf-8")
    assert f'<script src="{bundle.name}"></script>' in page
    assert len(page) < bundle.stat().st_size  # the 3.5 MB bundle is shared, not embedded
    status = _status(engine, NIGHT)["traffic_rnn"]
    assert str(folder / "traffic_rnn-performance.html") in status.reports

    workspace = open_workspace(workspace_dir(night_settings))
    projects = {p.name: p for p in workspace.list_projects()}
    assert set(projects) == set(MODELS)
    runs = {str(run) for run in workspace.list_runs(projects["traffic_rnn"].id)}
    assert {str(snapshot_id("traffic_rnn", NIGHT, kind)) for kind in KINDS} <= runs


def test_rerunning_a_night_replaces_its_rows(monitored: Monitored) -> None:
    engine, night_settings, _ = monitored
    query = " union all ".join(
        f"select count(*) from monitoring.{table} where business_date = :d"
        for table in ("model_performance", "feature_drift", "data_quality", "model_status")
    )
    before = _rows(engine, query, d=NIGHT)
    workspace = open_workspace(workspace_dir(night_settings))
    traffic = next(p for p in workspace.list_projects() if p.name == "traffic_rnn")
    snapshots_before = len(workspace.list_runs(traffic.id))
    monitor(engine, night_settings, RunWindow.for_business_date(NIGHT, night_settings.tz, "again"))
    assert _rows(engine, query, d=NIGHT) == before
    workspace = open_workspace(workspace_dir(night_settings))
    traffic = next(p for p in workspace.list_projects() if p.name == "traffic_rnn")
    assert len(workspace.list_runs(traffic.id)) == snapshots_before


def test_task_durations_need_airflow(monitored: Monitored) -> None:
    _, _, results = monitored
    assert results[NIGHT]["tasks_recorded"] == 0  # no dag_id: not inside Airflow


def test_task_durations_are_read_inside_airflow_task_processes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Airflow 3 hands task processes this URL so their code cannot reach its ORM; the monitor
    # task once failed on it under `make airflow` (it only ran in-process in other tests).
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "airflow-db-not-allowed:///")
    engine = durations._airflow_engine(settings)
    assert engine.url.database == settings.airflow_database
    assert engine.url.drivername.startswith("postgresql")
    assert durations.task_instances(settings, "nightshift_nightly", "no-such-run") == []
