"""``nightshift plans compare`` end to end on a tiny chain: every plan is replayed on the same
customers and the matched plans spend exactly the hours they were matched to."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.evaluation.plans import PLAN_LABELS


def test_plans_compare_prints_the_table_and_writes_the_figures(tmp_path: Path) -> None:
    out = tmp_path / "plans.json"
    result = CliRunner().invoke(
        app,
        ["plans", "compare", "--stores", "2", "--weeks", "1", "--history-days", "90",
         "--max-epochs", "1", "--seed", "2", "--json", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for label in PLAN_LABELS.values():
        assert label in result.output
    assert "target <= 0.70" in result.output
    figures = json.loads(out.read_text())
    table = {row["plan"]: row for row in figures["table"]}
    assert list(table) == list(PLAN_LABELS)
    visitors = {round(r["sales"] + r["lost_sales"]) > 0 for r in table.values()}
    assert visitors == {True}
    for matched, source in (
        ("nightshift_at_last_year_hours", "last_year"),
        ("flat_at_last_year_hours", "last_year"),
        ("flat", "nightshift"),
        ("seasonal_naive_at_nightshift_hours", "nightshift"),
    ):
        assert table[matched]["scheduled_hours"] == table[source]["scheduled_hours"], matched
    assert figures["goals"]["hours_ratio_vs_flat"] == 1.0
    assert 0 < figures["goals"]["gross_margin_rate"] < 1


def test_plans_compare_refuses_a_history_too_short_for_the_traffic_model() -> None:
    result = CliRunner().invoke(app, ["plans", "compare", "--history-days", "20"])
    assert result.exit_code != 0
    assert "history-days" in result.output
