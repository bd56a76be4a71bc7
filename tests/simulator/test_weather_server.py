"""The Open-Meteo stand-in answers real HTTP requests with Open-Meteo's shape."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import numpy as np
import pandas as pd
import pytest

from pipelines.simulator.core import SimulationSummary
from pipelines.simulator.weather_server import start_weather_server, stop_weather_server

HOURLY = "temperature_2m,precipitation,relative_humidity_2m"


@pytest.fixture(scope="module")
def base_url(clean_run: SimulationSummary) -> Iterator[str]:
    server, thread = start_weather_server(clean_run.config.out, "127.0.0.1", 0)
    try:
        yield server.url
    finally:
        stop_weather_server(server, thread)
    assert not thread.is_alive()


def _get(base_url: str, endpoint: str, **params: object) -> httpx.Response:
    query = {"hourly": HOURLY, "timezone": "America/Lima"} | params
    return httpx.get(f"{base_url}/v1/{endpoint}", params=query, timeout=10)


def test_archive_returns_the_true_weather_of_the_nearest_city(
    base_url: str, clean_run: SimulationSummary
) -> None:
    # Miraflores is in Lima: its coordinates get Lima's series.
    response = _get(
        base_url, "archive", latitude=-12.13, longitude=-77.03,
        start_date="2025-07-20", end_date="2025-07-21",
    )  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "America/Lima" and body["utc_offset_seconds"] == -18000
    assert (body["latitude"], body["longitude"]) == (-12.0464, -77.0428)
    assert body["hourly_units"] == {
        "time": "iso8601", "temperature_2m": "°C", "precipitation": "mm",
        "relative_humidity_2m": "%",
    }  # fmt: skip
    hourly = body["hourly"]
    assert hourly["time"][0] == "2025-07-20T00:00" and hourly["time"][-1] == "2025-07-21T23:00"
    assert all(len(hourly[k]) == 48 for k in HOURLY.split(","))
    truth = pd.read_csv(clean_run.config.out / "weather/hourly.csv")
    lima = truth[(truth.city == "Lima") & truth.ts.str.startswith(("2025-07-20", "2025-07-21"))]
    assert hourly["temperature_2m"] == lima["temperature_2m"].tolist()


def test_forecast_drifts_from_the_truth_with_lead_time(base_url: str) -> None:
    params = {"latitude": -13.5, "longitude": -72.0, "start_date": "2025-07-20"}
    truth = _get(base_url, "archive", end_date="2025-08-03", **params).json()["hourly"]
    forecast = _get(base_url, "forecast", end_date="2025-08-03", **params).json()["hourly"]
    again = _get(base_url, "forecast", end_date="2025-08-03", **params).json()["hourly"]
    assert forecast == again  # deterministic
    error = np.abs(np.array(forecast["temperature_2m"]) - np.array(truth["temperature_2m"]))
    assert error[:24].mean() < error[-72:].mean()
    assert 0 < error[:24].mean() < 2


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("archive", {"latitude": "abc", "longitude": -77, "start_date": "2025-07-20"}),
        ("archive", {"longitude": -77, "start_date": "2025-07-20"}),
        ("archive", {"latitude": -12, "longitude": -77, "start_date": "20/07/2025"}),
        ("archive", {"latitude": -12, "longitude": -77, "start_date": "2031-01-01"}),
        ("archive", {"latitude": -12, "longitude": -77, "start_date": "2025-07-20",
                     "hourly": "wind_speed_10m"}),
        ("forecast", {"latitude": -12, "longitude": -77, "start_date": "2025-07-14",
                      "end_date": "2025-08-10"}),
    ],
)  # fmt: skip
def test_bad_requests_get_400_with_a_reason(base_url: str, endpoint: str, params: dict) -> None:
    query = {"end_date": params.get("start_date")} | params
    response = _get(base_url, endpoint, **query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] is True and body["reason"]


def test_unknown_path_is_404(base_url: str) -> None:
    assert httpx.get(f"{base_url}/v1/marine", timeout=10).status_code == 404
