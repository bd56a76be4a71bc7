"""Small simulations shared by the simulator tests (each runs once per session)."""

from __future__ import annotations

import glob
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipelines.simulator.core import SimulationConfig, SimulationSummary, run_simulation


def simulate(out: Path, **overrides: object) -> SimulationSummary:
    settings: dict = {
        "stores": 3,
        "start": date(2025, 7, 14),
        "end": date(2025, 8, 3),
        "seed": 11,
        "out": out,
    }
    settings.update(overrides)
    return run_simulation(SimulationConfig(**settings))


def read_day_files(root: Path, pattern: str) -> pd.DataFrame:
    """Concatenate per-date CSVs; empty fields stay NULL, everything else stays text."""
    files = sorted(glob.glob(str(root / pattern)))
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""]) for f in files]
    return pd.concat(frames, ignore_index=True)


def read_reviews(root: Path) -> pd.DataFrame:
    files = sorted(glob.glob(str(root / "reviews" / "*" / "reviews.jsonl")))
    frames = [pd.read_json(f, lines=True, dtype=False) for f in files if Path(f).stat().st_size]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """3 stores (a mall, a street store, a restaurant in Lima) over three weeks, no defects."""
    return simulate(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="session")
def defect_run(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    return simulate(tmp_path_factory.mktemp("defects"), defects=0.05)


@pytest.fixture(scope="session")
def season_run(tmp_path_factory: pytest.TempPathFactory) -> SimulationSummary:
    """4 stores over a Peruvian winter: Fiestas Patrias and four other holidays, six paydays;
    the fourth store (a street store in Surco) opens during the range."""
    return simulate(
        tmp_path_factory.mktemp("season"),
        stores=4,
        start=date(2025, 6, 2),
        end=date(2025, 8, 31),
        seed=5,
    )
