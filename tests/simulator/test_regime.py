"""``--regime-change STORE:DATE:FACTOR``: from that date on the store's traffic (and its sales)
settle at FACTOR of what they would have been; every other store and day is untouched."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.cli.simulate import app
from pipelines.errors import NightshiftError
from pipelines.simulator.core import SimulationSummary
from pipelines.simulator.regime import RegimeChange
from tests.simulator.conftest import read_day_files, simulate

SHIFT = date(2025, 7, 28)


@pytest.fixture(scope="module")
def shifted(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """The clean run's chain with a competitor opening next to its second store."""
    return simulate(tmp_path_factory.mktemp("regime"),
                    regime_changes=(RegimeChange("2", SHIFT, 0.5),))  # fmt: skip


def _daily(root: Path, pattern: str, column: str) -> pd.DataFrame:
    rows = read_day_files(root, pattern)
    rows[column] = pd.to_numeric(rows[column])
    rows["day"] = pd.to_datetime(rows["ts"]).dt.date
    return rows.groupby(["store_id", "day"])[column].sum().unstack("store_id")


def test_the_store_loses_half_its_traffic_and_sales_from_the_date(
    clean_run: SimulationSummary, shifted: SimulationSummary
) -> None:
    stores = pd.read_csv(clean_run.config.out / "stores.csv")["store_id"].tolist()
    hit, others = stores[1], [stores[0], stores[2]]
    for pattern, column in (("pos/*/door_counts.csv", "count"),
                            ("pos/*/transactions.csv", "amount")):  # fmt: skip
        before = _daily(clean_run.config.out, pattern, column)
        after = _daily(shifted.config.out, pattern, column)
        late = [d for d in before.index if d >= SHIFT]
        early = [d for d in before.index if d < SHIFT]
        ratio = after.loc[late, hit].sum() / before.loc[late, hit].sum()
        assert 0.4 < ratio < 0.6, f"{column}: {ratio:.2f}"
        # Same random streams: nothing before the date, and no other store, changes much.
        assert after.loc[early, hit].sum() == pytest.approx(before.loc[early, hit].sum(), rel=0.02)
        for store in others:
            assert after.loc[late, store].sum() == pytest.approx(
                before.loc[late, store].sum(), rel=0.1
            )
    manifest = json.loads((shifted.config.out / "manifest.json").read_text())
    assert manifest["regime_changes"] == [{"store": "2", "start": "2025-07-28", "factor": 0.5}]


def test_the_cli_flag(tmp_path: Path) -> None:
    window = ["--stores", "2", "--start", "2025-02-01", "--end", "2025-02-02", "--seed", "9"]
    args = ["run", *window, "--out", str(tmp_path), "--no-progress",
            "--regime-change", "1:2025-02-02:0.6"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["regime_changes"] == [{"store": "1", "start": "2025-02-02", "factor": 0.6}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2:2025-02-02", "expected STORE:YYYY-MM-DD:FACTOR"),
        ("2:2025-13-01:0.5", "month must be in 1..12"),
        ("2:2025-02-02:-1", "the factor must be positive"),
        ("9:2025-02-02:0.5", "unknown store '9'"),
    ],
)
def test_a_bad_regime_change_is_a_one_line_error(tmp_path: Path, text: str, message: str) -> None:
    args = ["run", "--stores", "2", "--start", "2025-02-01", "--end", "2025-02-01",
            "--out", str(tmp_path), "--no-progress", "--regime-change", text]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, NightshiftError)
    assert message in str(result.exception)
    assert not (tmp_path / "manifest.json").exists()
