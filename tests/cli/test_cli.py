"""The command line as users run it: a real process, real database, real Airflow."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.monitoring.panels import check_every_panel
from tests.monitoring.pushgateway import pushed_samples, running_pushgateway

NIGHTSHIFT = str(Path(sys.executable).parent / "nightshift")


def _nightshift(*args: str, env: dict[str, str] | None = None, timeout: int = 300):
    return subprocess.run(
        [NIGHTSHIFT, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def _commands(group, prefix=()):  # type: ignore[no-untyped-def]
    import typer.main

    click_group = typer.main.get_command(group)
    yield prefix
    for name, command in getattr(click_group, "commands", {}).items():
        yield (*prefix, name)
        for sub in getattr(command, "commands", {}):
            yield (*prefix, name, sub)


@pytest.mark.parametrize("command", sorted(set(_commands(app))))
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"NIGHTSHIFT_TIMEZONE": "Mars/Olympus"}, "NIGHTSHIFT_TIMEZONE"),
        (
            {"NIGHTSHIFT_DATABASE_URL": "postgresql+psycopg2://x:secret@127.0.0.1:9/nightshift"},
            "cannot connect to PostgreSQL at postgresql+psycopg2://x:***@127.0.0.1:9/nightshift",
        ),
    ],
)
def test_bad_settings_fail_fast_with_one_line(env: dict[str, str], needle: str) -> None:
    result = _nightshift("run", "--date", "2026-11-22", env=env, timeout=60)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_status_and_url_name_the_embedded_server(engine) -> None:  # type: ignore[no-untyped-def]
    status = _nightshift("db", "status")
    assert status.returncode == 0, status.stderr
    assert "running" in status.stdout and "up to date" in status.stdout
    url = _nightshift("db", "url")
    assert url.stdout.startswith("postgresql+psycopg2://postgres@/nightshift?host=")


CORE_TABLES = ("core.pos_lines", "core.door_counts", "core.staffing", "core.reviews",
               "core.weather_hourly")  # fmt: skip
# Every table the night writes, with the column its partition is keyed on.
OUTPUT_TABLES = {table: "business_date" for table in CORE_TABLES} | {
    "loyalty.review_scores": "business_date",
    "forecast.traffic_hourly": "run_date",
    "forecast.sales_daily": "run_date",
    "plan.staffing": "run_date",
    "plan.shifts": "run_date",
    "plan.shift_totals": "run_date",
    "plan.promotions": "run_date",
    "loyalty.churn_scores": "run_date",
    "loyalty.rewards": "run_date",
    "explanations.sales_drivers": "run_date",
    "explanations.traffic_days": "run_date",
    "explanations.traffic_drivers": "run_date",
    "explanations.churn_drivers": "run_date",
    "explanations.promotion_drivers": "run_date",
    "explanations.feature_importance": "run_date",
}
# What stays empty on a night whose model serves its simple baseline (no model beat it yet):
# a baseline has no explanation, and the loyalty stages have no scores to build on.
EMPTY_UNDER_BASELINE = {
    "traffic_rnn": {"explanations.traffic_days", "explanations.traffic_drivers"},
    "sales_rf": {"explanations.sales_drivers", "explanations.promotion_drivers",
                 "plan.promotions"},
    "review_sentiment": {"loyalty.review_scores"},
    "customer_churn": {"loyalty.churn_scores", "loyalty.rewards", "explanations.churn_drivers"},
}  # fmt: skip


def _table_checksums(business_date: str) -> dict[str, str]:
    checksums = {}
    for table, key in OUTPUT_TABLES.items():
        result = _nightshift(
            "db", "psql", "-At", "-c",
            f"select count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text),"
            f" '')) from {table} t where {key} = '{business_date}'",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        checksums[table] = result.stdout.strip()
    return checksums


@pytest.mark.slow
def test_demo_night_writes_every_output_with_its_model_versions(settings, engine) -> None:  # type: ignore[no-untyped-def]
    # Eleven weeks: the churn model needs two 30-day label windows (training, holdout) after
    # two weeks of visits; the sales forest 4 weeks before its 2-week holdout; the traffic RNN
    # two weeks of lookback before its holdout week. A small sentiment sample keeps CI quick:
    # 400 reviews (the nightly warm start's cap); with 200 the classifier learned only the
    # majority class and, rightly, was not promoted over that baseline (no review scores).
    demo = ("demo", "--date", "2026-11-22", "--stores", "2", "--weeks", "11", "--quiet")
    quick = {"NIGHTSHIFT_SENTIMENT_TRAIN_EXAMPLES": "400"}
    with running_pushgateway() as gateway:  # the night pushes its figures at its end
        first = _nightshift(*demo, env=quick | {"NIGHTSHIFT_PUSHGATEWAY_URL": gateway},
                            timeout=900)  # fmt: skip
        pushed = pushed_samples(gateway, "nightshift_nightly")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "business date 2026-11-21  ->  success" in first.stdout
    for task in ("open_run", "reference", "pos.extract", "pos.publish", "weather.validate",
                 "reviews.publish", "train_traffic", "train_sales", "train_sentiment",
                 "train_churn", "forecast", "plan", "promotions", "score_reviews",
                 "score_customers", "rewards", "staffing_emails", "monitor", "run_summary",
                 "close_run"):  # fmt: skip
        assert re.search(rf"^  {re.escape(task)} +success ", first.stdout, re.M), task
    tables = _table_checksums("2026-11-21")
    baselines = _nightshift(
        "db", "psql", "-At", "-c",
        "select model_name from ops.model_promotions where business_date = '2026-11-21'"
        " and champion_version like 'baseline:%'",
    ).stdout.split()  # fmt: skip
    expected_empty = set().union(*(EMPTY_UNDER_BASELINE[model] for model in baselines))
    empty = {table for table, value in tables.items() if value.startswith("0:")}
    assert empty == expected_empty, (baselines, empty, first.stdout[-3000:])
    # Every explanation step ran (a failed one would be a count named explain_<step>_error).
    failed = _nightshift(
        "db", "psql", "-At", "-c",
        "select string_agg(key || '=' || value, '; ') from ops.pipeline_runs,"
        " jsonb_each_text(counts) where logical_date = '2026-11-22' and key like '%explain%error'",
    )  # fmt: skip
    assert failed.returncode == 0 and failed.stdout.strip() == "", failed.stdout
    outbox = settings.data_dir / "outbox" / "2026-11-21"
    # One per store, each to its own manager (a degradation alert would go to the engineers).
    emails = sorted(p for p in outbox.glob("*.eml") if "data-engineering" not in p.name)
    assert len(emails) == 2
    assert all("image/png" in path.read_text(errors="replace") for path in emails)
    # The data engineers hear of every model whose first challenger lost to its baseline (on
    # 11 weeks of 2 stores the traffic network may not beat the 4-week same-hour mean).
    to_engineers = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(outbox.glob("*data-engineering*.eml"))
    ]
    notices = [m for m in to_engineers if "no model beat the baseline" in str(m["Subject"])]
    served = _nightshift(
        "db", "psql", "-At", "-c",
        "select count(*) from ops.model_promotions where business_date = '2026-11-21'"
        " and champion_version like 'baseline:%'",
    )  # fmt: skip
    assert len(notices) == int(served.stdout.strip())

    query = _nightshift(
        "db", "psql", "-At", "-c",
        "select business_date, status, attempts, counts->>'train_traffic.mlflow_run_id'"
        " from ops.pipeline_runs where logical_date = '2026-11-22'",
    )  # fmt: skip
    assert query.returncode == 0, query.stderr
    rows = query.stdout.strip().splitlines()
    assert len(rows) == 1
    business_date, status, attempts, mlflow_run_id = rows[0].split("|")
    assert (business_date, status, attempts) == ("2026-11-21", "success", "1")

    import mlflow

    mlflow.set_tracking_uri(settings.tracking_uri)
    run = mlflow.get_run(mlflow_run_id)
    assert run.data.tags["nightshift.business_date"] == "2026-11-21"
    assert {"holdout_mae", "holdout_coverage_p10_p90"} <= set(run.data.metrics)
    forecasts = _nightshift(
        "db", "psql", "-At", "-c",
        "select count(*), count(distinct store_id), bool_and(p10 <= p50 and p50 <= p90),"
        " min(model_version) from forecast.traffic_hourly where run_date = '2026-11-21'",
    )  # fmt: skip
    count, stores, ordered, version = forecasts.stdout.strip().split("|")
    assert (int(count), int(stores), ordered) == (2 * 168, 2, "t") and version
    staffing = _nightshift(
        "db", "psql", "-At", "-c",
        "select count(distinct business_date), bool_and(staff = 0) filter (where binding_rule"
        " = 'closed'), min(staff) filter (where binding_rule <> 'closed'),"
        " count(*) filter (where rationale = '') from plan.staffing where run_date = '2026-11-21'",
    )  # fmt: skip
    days, closed_empty, open_minimum, silent = staffing.stdout.strip().split("|")
    assert (days, closed_empty, silent) == ("7", "t", "0")
    assert int(open_minimum) >= 1  # someone on every role while open
    sales = _nightshift(
        "db", "psql", "-At", "-c",
        "select count(distinct date), count(*) filter (where category = '__all__'),"
        " bool_and(prediction >= 0) from forecast.sales_daily where run_date = '2026-11-21'",
    )  # fmt: skip
    assert sales.stdout.strip() == "14|28|t"  # 14 days x 2 stores of store totals
    loyalty = _nightshift(
        "db", "psql", "-At", "-c",
        "select (select count(*) from loyalty.review_scores where business_date = '2026-11-21'),"
        " (select count(*) from core.reviews where business_date = '2026-11-21'),"
        " (select count(*) from loyalty.rewards where run_date = '2026-11-21'"
        "  and offer_type <> 'none'),"
        " (select bool_and(p_return_30d between 0 and 1) from loyalty.churn_scores"
        "  where run_date = '2026-11-21')",
    )  # fmt: skip
    scored, reviews, offers, probabilities = loyalty.stdout.strip().split("|")
    assert scored == reviews and int(offers) > 0 and probabilities == "t"

    # The monitor measured the night: every model's status, drift, data quality, the durations
    # of the night's tasks as Airflow recorded them, and an Evidently project per model.
    monitoring = _nightshift(
        "db", "psql", "-At", "-c",
        "select (select count(*) from monitoring.model_status where business_date = '2026-11-21'),"
        " (select string_agg(distinct model_name, ',') from monitoring.feature_drift"
        "  where business_date = '2026-11-21' and drift_kind = 'data'),"
        " (select count(distinct source) from monitoring.data_quality"
        "  where business_date = '2026-11-21'),"
        " (select count(*) filter (where task_id = 'train_traffic' and state = 'success'"
        "  and duration_s > 0) from monitoring.task_durations where business_date = '2026-11-21'),"
        " (select count(*) from monitoring.model_performance where business_date = '2026-11-21'"
        "  and model_name = 'review_sentiment' and metric = 'macro_f1')",
    )  # fmt: skip
    assert monitoring.returncode == 0, monitoring.stderr
    statuses, drifted_models, sources, durations, f1 = monitoring.stdout.strip().split("|")
    # Churn's training window has no earlier churn scores to compare with on a first night.
    assert drifted_models == "review_sentiment,sales_rf,traffic_rnn"
    # pos_lines, door_counts, staffing, promotions, product_costs, reviews, weather
    assert (statuses, sources, durations) == ("4", "7", "1")
    assert int(f1) > 0  # tonight's rated reviews, scored by tonight's model
    projects = settings.data_dir / "evidently"
    assert len(list(projects.glob("*/metadata.json"))) == 4
    assert (settings.data_dir / "reports" / "2026-11-21" / "monitoring").is_dir()

    summary = settings.data_dir / "reports" / "2026-11-21" / "run-summary.json"
    report = json.loads(summary.read_text())
    assert report["window"]["logical_date"] == "2026-11-22"
    assert any(p.endswith("pos_lines/index.html") for p in report["data_docs"])

    # Monitoring: what the night pushed, and every Grafana panel on what the night wrote.
    assert pushed[("nightshift_night_success", frozenset())] == 1
    loaded = _nightshift(
        "db", "psql", "-At", "-c",
        "select rows_loaded from ops.loads where business_date = '2026-11-21'"
        " and source = 'pos_lines'",
    )  # fmt: skip
    pos_lines = frozenset({("source", "pos_lines")})
    assert pushed[("nightshift_rows_loaded", pos_lines)] == int(loaded.stdout.strip())
    promoted = {dict(k)["model"] for name, k in pushed if name == "nightshift_model_promoted"}
    assert promoted == {"traffic_rnn", "sales_rf", "review_sentiment", "customer_churn"}
    check_every_panel(engine)


def test_settings_command_never_prints_secrets() -> None:
    result = _nightshift(
        "settings",
        env={
            "NIGHTSHIFT_SMTP_PASSWORD": "s3cret-smtp",
            "NIGHTSHIFT_DATABASE_URL": "postgresql+psycopg2://app:s3cret-db@db.internal/nightshift",
        },
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "s3cret" not in result.stdout
    assert "postgresql+psycopg2://app:***@db.internal/nightshift" in result.stdout


def test_a_configured_database_url_is_used_instead_of_the_embedded_server(
    fresh_engine,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    # Any reachable PostgreSQL will do as "another server": here a fresh database on the test one.
    url = fresh_engine.url.render_as_string(hide_password=False)
    env = {"NIGHTSHIFT_DATABASE_URL": url, "NIGHTSHIFT_DATA_DIR": str(tmp_path / "elsewhere")}
    upgraded = _nightshift("db", "upgrade", env=env, timeout=60)
    assert upgraded.returncode == 0, upgraded.stderr
    status = _nightshift("db", "status", env=env, timeout=60)
    assert status.returncode == 0, status.stderr
    assert "embedded" not in status.stdout and "up to date" in status.stdout
    assert not (tmp_path / "elsewhere" / "pgdata").exists()  # no second server was started
    stop = _nightshift("db", "stop", env=env, timeout=60)
    assert "not managed by nightshift" in stop.stdout


def test_db_psql_keeps_the_password_out_of_the_process_list(engine) -> None:  # type: ignore[no-untyped-def]
    """Anyone on the machine can read a process's command line (ps); the password goes to
    psql through its environment instead (PGPASSWORD, readable only by the same user)."""
    secret = "s3cret-psql-password"
    url = engine.url.set(password=secret).render_as_string(hide_password=False)
    result = _nightshift(
        "db", "psql", "-At", "-c", "select current_database()",
        "-c", r"\! tr '\0' ' ' < /proc/$PPID/cmdline; echo; tr '\0' '\n' < /proc/$PPID/environ",
        env={"NIGHTSHIFT_DATABASE_URL": url}, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    database, command_line, *environment = result.stdout.splitlines()
    assert database == engine.url.database  # it connected to the configured database
    assert "psql" in command_line and secret not in command_line, command_line
    assert f"PGPASSWORD={secret}" in environment
