"""A small simulated chain in its own warehouse, MLflow store and data dir, driven night by
night through the nightly stage functions (no Airflow): ingest, train, forecast, monitor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from pipelines.settings import Settings
from pipelines.simulator.core import SimulationConfig, run_simulation
from pipelines.simulator.regime import RegimeChange
from pipelines.simulator.weather_server import start_weather_server, stop_weather_server
from pipelines.window import RunWindow
from tests.databases import scratch_database


@dataclass
class Chain:
    engine: Engine
    settings: Settings

    def window(self, day: date, backfill: bool = True) -> RunWindow:
        base = RunWindow.for_business_date(day, self.settings.tz, f"night-{day}")
        return RunWindow(
            base.logical_date, base.business_date, base.interval_start, base.interval_end,
            base.dag_run_id, backfill=backfill,
        )  # fmt: skip

    def ingest(self, first: date, last: date) -> None:
        from pipelines.stages.ingest import ingest_history

        ingest_history(self.engine, self.settings, first, last)

    def train_traffic(self, day: date) -> dict[str, Any]:
        from pipelines.training import traffic

        return traffic.train(self.engine, self.settings, self.window(day))

    def forecast_traffic(self, day: date) -> dict[str, Any]:
        from pipelines.stages.forecast import forecast_traffic

        return forecast_traffic(self.engine, self.settings, self.window(day))

    def monitor(self, day: date) -> dict[str, Any]:
        from pipelines.monitoring.stage import monitor

        return monitor(self.engine, self.settings, self.window(day))

    def rows(self, query: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(query), params))


@contextmanager
def simulated_chain(
    settings: Settings,
    tmp: Path,
    start: date,
    end: date,
    stores: int = 3,
    seed: int = 11,
    regime: tuple[RegimeChange, ...] = (),
    **overrides: Any,
) -> Iterator[Chain]:
    """Simulate ``start``..``end`` and give a chain with an empty warehouse of its own."""
    import mlflow

    landing = tmp / "landing"
    run_simulation(
        SimulationConfig(stores=stores, start=start, end=end, seed=seed, out=landing,
                         regime_changes=regime)
    )  # fmt: skip
    server, thread = start_weather_server(landing, "127.0.0.1", 0)
    previous_uri = mlflow.get_tracking_uri()
    try:
        chain_settings = settings.model_copy(
            update={
                "data_dir": tmp / "data",
                "landing_url": str(landing),
                "weather_archive_url": f"{server.url}/v1/archive",
                "weather_forecast_url": f"{server.url}/v1/forecast",
            }
            | overrides
        )
        with scratch_database(
            chain_settings, "chain", migrated=True, executemany_mode="values_plus_batch"
        ) as engine:
            yield Chain(engine, chain_settings)
    finally:
        mlflow.set_tracking_uri(previous_uri)
        stop_weather_server(server, thread)


def nights(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
