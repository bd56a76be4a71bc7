"""`make test-fast` (-m "not slow") must leave out every end-to-end Airflow run: a `slow` mark
only counts on a test, so a mark on a helper silently puts its test in the fast tier."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipelines.paths import REPO_ROOT

TESTS = REPO_ROOT / "tests"
# Tests that run whole nights through Airflow (the scheduler, the demo, the gate failure).
END_TO_END = {
    "tests/orchestration/test_scheduler.py": (
        "test_services_run_a_triggered_night_and_a_backfill_exactly_once"
    ),
    "tests/cli/test_cli.py": "test_demo_night_writes_every_output_with_its_model_versions",
    "tests/dags/test_nightly_gate_failure.py": (
        "test_failed_gate_stops_the_night_before_anything_is_published"
    ),
    "tests/test_alerts.py": "test_a_failing_airflow_task_emails_its_failure",
}


def _is_slow_mark(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) == "pytest.mark.slow"


def _slow_functions(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return {
        node.name: node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(_is_slow_mark(d) for d in node.decorator_list)
    }


def test_the_slow_mark_sits_only_on_tests() -> None:
    misplaced = [
        f"{path.relative_to(REPO_ROOT)}:{line} {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name, line in _slow_functions(path).items()
        if not name.startswith("test_")
    ]
    assert not misplaced, f"@pytest.mark.slow on helpers (it has no effect there): {misplaced}"


@pytest.mark.parametrize(("module", "test"), sorted(END_TO_END.items()))
def test_end_to_end_runs_are_marked_slow(module: str, test: str) -> None:
    assert test in _slow_functions(REPO_ROOT / module), f"{module}::{test} is not marked slow"
