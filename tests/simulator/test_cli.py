"""`nightshift simulate run` and its argument checking, through typer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli.simulate import app
from pipelines.errors import NightshiftError


def test_run_writes_the_landing_files(tmp_path: Path) -> None:
    window = ["--stores", "2", "--start", "2025-02-01", "--end", "2025-02-02", "--seed", "9"]
    args = ["run", *window, "--out", str(tmp_path), "--format", "parquet", "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "transactions" in result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert (manifest["stores"], manifest["seed"], manifest["format"]) == (2, 9, "parquet")
    assert (tmp_path / "pos/2025-02-02/transactions.parquet").is_file()


def test_end_before_start_is_a_one_line_error(tmp_path: Path) -> None:
    args = ["run", "--stores", "2", "--start", "2025-02-03", "--end", "2025-02-01",
            "--out", str(tmp_path)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, NightshiftError)
    assert "before" in str(result.exception)
    assert not (tmp_path / "manifest.json").exists()


@pytest.mark.parametrize("bad", [["--format", "xlsx"], ["--defects", "0.9"], ["--stores", "0"]])
def test_invalid_options_are_rejected(tmp_path: Path, bad: list[str]) -> None:
    args = ["run", "--stores", "2", "--start", "2025-02-01", "--end", "2025-02-01",
            "--out", str(tmp_path), *bad]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert not (tmp_path / "manifest.json").exists()


def test_serve_weather_refuses_a_directory_without_weather(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve-weather", "--dir", str(tmp_path)])
    assert isinstance(result.exception, NightshiftError)
