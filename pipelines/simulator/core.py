"""Run a whole simulation into a landing directory (the only module that loops over days)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from pipelines.errors import NightshiftError
from pipelines.simulator.engine import simulate_day, start_simulation
from pipelines.simulator.regime import RegimeChange
from pipelines.simulator.writer import LandingWriter, clear_previous_run, reviews_table

FILE_FORMATS = ("csv", "parquet")
MAX_DEFECT_RATE = 0.5


@dataclass(frozen=True)
class SimulationConfig:
    stores: int
    start: date
    end: date
    seed: int
    out: Path
    defects: float = 0.0
    file_format: str = "csv"
    country: str = "PE"
    # From a date on, a store's traffic level changes for good (see pipelines.simulator.regime).
    regime_changes: tuple[RegimeChange, ...] = ()

    def validate(self) -> None:
        if self.stores < 1:
            raise NightshiftError(f"--stores must be at least 1, got {self.stores}")
        if self.end < self.start:
            raise NightshiftError(f"--end ({self.end}) is before --start ({self.start})")
        if not 0.0 <= self.defects <= MAX_DEFECT_RATE:
            raise NightshiftError(
                f"--defects must be between 0 and {MAX_DEFECT_RATE}, got {self.defects}"
            )
        if self.file_format not in FILE_FORMATS:
            raise NightshiftError(f"--format must be csv or parquet, got {self.file_format!r}")


@dataclass
class SimulationSummary:
    config: SimulationConfig
    files: int
    rows: dict[str, int]
    defects: dict[str, int]
    truncated_files: list[str]
    seconds: float
    manifest: dict = field(default_factory=dict)


def _weather_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["ts"] = frame["ts"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame


def run_simulation(config: SimulationConfig, progress: bool = False) -> SimulationSummary:
    """Simulate ``config.start``..``config.end`` and write the landing files under ``out``."""
    from tqdm import tqdm

    config.validate()
    began = time.monotonic()
    out = config.out
    out.mkdir(parents=True, exist_ok=True)
    clear_previous_run(out)
    sim = start_simulation(
        config.stores, config.start, config.end, config.seed, config.country,
        config.regime_changes,
    )  # fmt: skip
    writer = LandingWriter(out, config.file_format, config.defects, config.seed)
    writer.write_master("stores.csv", "stores", sim.stores.table)
    writer.write_master("weather/hourly.csv", "weather", _weather_frame(sim.weather_frame))

    days = [config.start + timedelta(days=i) for i in range((config.end - config.start).days + 1)]
    for day in tqdm(days, desc="simulating", unit="day", disable=not progress, leave=False):
        output = simulate_day(sim, day)
        key = day.isoformat()
        writer.write_day(key, "transactions", "pos", output.transactions)
        writer.write_day(key, "door_counts", "pos", output.door_counts)
        writer.write_day(key, "staffing", "pos", output.staffing)
        writer.write_day(key, "product_costs", "pos", output.product_costs)
        writer.write_day(key, "promotions", "promotions", output.promotions)
        writer.write_day(key, "reviews", "reviews", reviews_table(output.reviews))
    writer.write_master("customers.csv", "customers", sim.members.table(sim.stores.ids))

    rows = dict(sorted(writer.rows.items()))
    injected = writer.defects.as_dict()
    manifest = {
        "seed": config.seed,
        "stores": config.stores,
        "start": config.start.isoformat(),
        "end": config.end.isoformat(),
        "defects": config.defects,
        "format": config.file_format,
        "regime_changes": [
            {"store": c.store, "start": c.start.isoformat(), "factor": c.factor}
            for c in config.regime_changes
        ],
        "generated_files": writer.files,
        "rows": rows,
        "injected_defects": injected,
        "truncated_files": writer.defects.truncated_files,
    }
    writer.write_manifest(manifest)
    return SimulationSummary(
        config=config,
        files=writer.files,
        rows=rows,
        defects=injected,
        truncated_files=writer.defects.truncated_files,
        seconds=time.monotonic() - began,
        manifest=manifest,
    )
