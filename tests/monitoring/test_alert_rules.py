"""The Prometheus alert rules: valid for promtool (Debian's ``prometheus``), their unit tests
pass with a firing and a quiet case for every alert, and every nightshift_* metric they use is
one the night pushes."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from pipelines.monitoring import prometheus_push
from pipelines.paths import REPO_ROOT
from tests.monitoring import night_seed
from tests.system_tools import debian_program

PROMETHEUS = REPO_ROOT / "docker" / "prometheus"
RULES = PROMETHEUS / "rules" / "nightshift.rules.yml"
RULE_TESTS = PROMETHEUS / "tests" / "nightshift.test.yml"


@pytest.fixture(scope="module")
def promtool() -> str:
    return debian_program("promtool", "prometheus")


def _promtool(promtool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool, *args], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT
    )


def _alerts() -> dict[str, str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {rule["alert"]: rule["expr"] for group in groups for rule in group["rules"]}


def test_promtool_checks_the_rules_and_the_prometheus_config(promtool: str) -> None:
    rules = _promtool(promtool, "check", "rules", str(RULES))
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert f"SUCCESS: {len(_alerts())} rules found" in rules.stdout
    config = _promtool(promtool, "check", "config", str(PROMETHEUS / "prometheus.yml"))
    assert config.returncode == 0, config.stdout + config.stderr


def test_promtool_unit_tests_of_the_rules_pass(promtool: str) -> None:
    result = _promtool(promtool, "test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_tested_firing_and_quiet() -> None:
    cases = [
        case
        for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in test["alert_rule_test"]
    ]
    assert {"NightshiftNightFailed", "NightshiftNightNotFinishedBy0600Lima",
            "NightshiftQuarantineRateHigh", "NightshiftModelDegraded",
            "NightshiftFeatureDrift"} <= set(_alerts())  # fmt: skip
    for alert in _alerts():
        outcomes = {bool(c["exp_alerts"]) for c in cases if c["alertname"] == alert}
        assert outcomes == {True, False}, f"{alert} lacks a firing or a quiet test case"


def test_a_broken_rule_fails_its_unit_tests(promtool: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The unit tests can fail: the 06:00 Lima alert computed on UTC days does."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    broken = RULES.read_text().replace("(time() - 18000) % 86400 >= bool", "time() % 86400 >= bool")
    assert broken != RULES.read_text()
    (tmp_path / "rules" / RULES.name).write_text(broken)
    (tmp_path / "tests" / RULE_TESTS.name).write_text(RULE_TESTS.read_text())
    result = _promtool(promtool, "test", "rules", str(tmp_path / "tests" / RULE_TESTS.name))
    assert result.returncode != 0
    assert "NightshiftNightNotFinishedBy0600Lima" in result.stdout + result.stderr


def test_the_rules_use_only_metrics_the_night_pushes() -> None:
    figures = prometheus_push.NightFigures(
        started_at=night_seed.started(night_seed.NIGHT),
        attempts=1,
        last_success_date=night_seed.PREVIOUS,
        loads=[{"source": "pos_lines", "rows_read": 10, "rows_loaded": 10,
                "rows_quarantined": 1, "rows_published": 9}],
        decisions=[{"model_name": "sales_rf", "metric": "wape", "challenger_score": 0.2,
                    "champion_score": 0.3, "promoted": True}],
        performance=[{"model_name": "sales_rf", "metric": "wape", "window_days": "7",
                      "value": 0.2}],
        drift=[{"model_name": "sales_rf", "tested": 2, "drifted": 1}],
        degradation=[{"model_name": "sales_rf", "open_events": 1, "alerted": 1}],
        data_quality=[{"source": "pos_lines", "metric": "null_share", "detail": "",
                       "value": 0.1}],
    )  # fmt: skip
    registry = prometheus_push.build_registry(
        night_seed.NIGHT, True, datetime.now(UTC), ZoneInfo("America/Lima"), figures
    )
    pushed = {metric.name for metric in registry.collect()}
    used = {name for expr in _alerts().values() for name in re.findall(r"nightshift_\w+", expr)}
    assert used and used <= pushed, used - pushed
