"""``nightshift traffic backtest`` as a user runs it, on temporary CSV files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from models.traffic.backtest import backtest_origins, run_backtest
from pipelines.cli.traffic import app
from pipelines.errors import NightshiftError
from tests.traffic.conftest import TINY

HORIZON, FOLDS = 24, 2


def _backtest(table: pd.DataFrame, tmp_path: Path, *extra: str):  # type: ignore[no-untyped-def]
    source = tmp_path / "traffic.csv"
    table.to_csv(source, index=False)
    args = ["backtest", "--input", str(source), "--output", str(tmp_path / "forecasts.parquet"),
            "--horizon", str(HORIZON), "--folds", str(FOLDS), "--device", "cpu",
            "--max-epochs", "1", *extra]  # fmt: skip
    return CliRunner().invoke(app, args)


def test_backtest_writes_forecasts_and_metrics(history: pd.DataFrame, tmp_path: Path) -> None:
    metrics_path = tmp_path / "out" / "metrics.json"
    result = _backtest(history, tmp_path, "--metrics", str(metrics_path))
    assert result.exit_code == 0, result.output
    assert "overall" in result.output

    forecasts = pd.read_parquet(tmp_path / "forecasts.parquet")
    locations = history["location_id"].nunique()
    assert len(forecasts) == locations * FOLDS * HORIZON
    assert {"location_id", "origin", "ts", "p10", "p50", "p90", "actual"} <= set(forecasts)
    assert not forecasts.duplicated(["location_id", "origin", "ts"]).any()
    expected_origins = backtest_origins(history["ts"].max(), HORIZON, FOLDS)
    assert sorted(forecasts["origin"].unique()) == expected_origins
    assert (forecasts["ts"] >= forecasts["origin"]).all()
    assert ((forecasts["p10"] <= forecasts["p50"]) & (forecasts["p50"] <= forecasts["p90"])).all()

    metrics = json.loads(metrics_path.read_text())
    overall = metrics["overall"]
    for key in ("model", "seasonal_naive", "same_hour_mean_4w"):
        assert {"mae", "mase"} <= set(overall[key])
    assert {"ratio_vs_seasonal_naive", "ratio_vs_same_hour_mean_4w", "coverage_p10_p90"} <= set(
        overall
    )
    assert [fold["origin"] for fold in metrics["folds"]] == [str(o) for o in expected_origins]
    assert 0 <= overall["coverage_p10_p90"] <= 1


def test_origins_step_back_from_one_hour_after_the_last_timestamp() -> None:
    origins = backtest_origins(pd.Timestamp("2024-03-10 22:00"), horizon=24, folds=3)
    assert origins == [pd.Timestamp("2024-03-07 23:00"), pd.Timestamp("2024-03-08 23:00"),
                       pd.Timestamp("2024-03-09 23:00")]  # fmt: skip


def test_no_forecast_reads_data_at_or_after_its_origin(history: pd.DataFrame) -> None:
    # A week apart, so the later origin's same-hour-last-week values are tampered hours.
    config = dataclasses.replace(TINY, horizon=168, max_epochs=1)
    first, second = backtest_origins(history["ts"].max(), config.horizon, FOLDS)
    tampered = history.copy()
    later = tampered["ts"] >= first
    tampered.loc[later, "count"] = tampered.loc[later, "count"] * 7 + 100

    original = run_backtest(history, config, FOLDS).forecasts
    changed = run_backtest(tampered, config, FOLDS).forecasts
    columns = ["location_id", "ts", "p10", "p50", "p90"]

    def at(frame: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
        return frame[frame["origin"] == origin][columns].reset_index(drop=True)

    pd.testing.assert_frame_equal(at(original, first), at(changed, first))
    # The later origin may read the tampered hours, and its forecasts do move.
    assert not np.allclose(at(original, second)["p50"], at(changed, second)["p50"])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("location_id,ts\nA,2024-01-01 00:00\n", "count"),
        ("location_id,ts,count\nA,2024-01-01 00:00,1\n", "too little history"),
        ("\x00\x01garbage", "cannot read"),
    ],
)
def test_bad_input_gives_a_one_line_error(tmp_path: Path, content: str, needle: str) -> None:
    source = tmp_path / "bad.parquet" if "garbage" in content else tmp_path / "bad.csv"
    source.write_text(content)
    result = CliRunner().invoke(
        app, ["backtest", "--input", str(source), "--output", str(tmp_path / "f.parquet")]
    )
    assert isinstance(result.exception, NightshiftError), result.output
    message = str(result.exception)
    assert needle in message and "\n" not in message


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["backtest", "--input", str(tmp_path / "nope.csv"), "--output", "x.parquet"]
    )
    assert isinstance(result.exception, NightshiftError)
    assert "does not exist" in str(result.exception)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_asking_for_a_missing_gpu_is_a_one_line_error(
    history: pd.DataFrame, tmp_path: Path
) -> None:
    result = _backtest(history, tmp_path, "--device", "cuda")
    assert isinstance(result.exception, NightshiftError)
    assert "cuda" in str(result.exception) and "\n" not in str(result.exception)
