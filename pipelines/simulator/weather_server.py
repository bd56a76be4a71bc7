"""A local stand-in for the Open-Meteo archive and forecast APIs, serving weather/hourly.csv.

``GET /v1/archive`` returns the simulated truth; ``GET /v1/forecast`` returns the truth plus
deterministic errors that grow with lead time from ``start_date``. The city nearest to the
requested coordinates answers. Bad requests get HTTP 400 and {"error": true, "reason": ...},
like Open-Meteo.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
VARIABLES = {"temperature_2m": "°C", "precipitation": "mm", "relative_humidity_2m": "%"}
TIMEZONE = "America/Lima"
UTC_OFFSET_SECONDS = -5 * 3600  # Peru has no daylight saving time
MAX_FORECAST_DAYS = 16


class BadRequest(ValueError):
    """A request Open-Meteo would answer with HTTP 400."""


@dataclass(frozen=True)
class CitySeries:
    name: str
    latitude: float
    longitude: float
    first_day: date
    last_day: date
    values: dict[str, np.ndarray]  # variable -> hourly values from first_day 00:00


def load_weather(directory: Path) -> dict[str, CitySeries]:
    """Read ``<directory>/weather/hourly.csv`` into per-city hourly arrays."""
    frame = pd.read_csv(directory / "weather" / "hourly.csv")
    cities = {}
    for name, rows in frame.groupby("city", sort=True):
        rows = rows.sort_values("ts")
        stamps = pd.to_datetime(rows["ts"])
        cities[str(name)] = CitySeries(
            name=str(name),
            latitude=float(rows["latitude"].iloc[0]),
            longitude=float(rows["longitude"].iloc[0]),
            first_day=stamps.iloc[0].date(),
            last_day=stamps.iloc[-1].date(),
            values={v: rows[v].to_numpy(dtype=float) for v in VARIABLES},
        )
    return cities


def nearest_city(cities: dict[str, CitySeries], latitude: float, longitude: float) -> CitySeries:
    def distance(city: CitySeries) -> float:
        scale = np.cos(np.radians((latitude + city.latitude) / 2))
        return (city.latitude - latitude) ** 2 + ((city.longitude - longitude) * scale) ** 2

    return min(cities.values(), key=distance)


def _one(params: dict[str, list[str]], name: str, required: bool = True) -> str | None:
    values = params.get(name)
    if not values or values[0] == "":
        if required:
            raise BadRequest(f"Parameter '{name}' is required")
        return None
    return values[0]


def _coordinate(params: dict[str, list[str]], name: str, limit: float) -> float:
    raw = _one(params, name)
    try:
        value = float(raw or "")
    except ValueError:
        raise BadRequest(f"Parameter '{name}' must be a number, got '{raw}'") from None
    if not -limit <= value <= limit:
        raise BadRequest(f"Parameter '{name}' must be between -{limit:g} and {limit:g}")
    return value


def _date(params: dict[str, list[str]], name: str) -> date:
    raw = _one(params, name)
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        raise BadRequest(f"Parameter '{name}' must be a date as YYYY-MM-DD, got '{raw}'") from None


def _forecast_error(
    city: str, start: date, variable: str, values: np.ndarray, lead_hours: np.ndarray
) -> np.ndarray:
    """Truth + a random walk in lead time: small at the start, several units two weeks out."""
    seed = [zlib.crc32(city.encode()), start.toordinal(), zlib.crc32(variable.encode())]
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0, 1, int(lead_hours.max()) + 1))[lead_hours]
    if variable == "temperature_2m":
        return np.round(values + 0.3 * rng.normal(0, 1, len(values)) + 0.15 * walk, 1)
    if variable == "relative_humidity_2m":
        return np.clip(np.round(values + 0.6 * walk), 0, 100)
    lead_days = lead_hours / 24.0
    scaled = values * np.exp(rng.normal(0, 0.2 + 0.05 * lead_days))
    false_rain = rng.random(len(values)) < 0.005 + 0.002 * lead_days
    return np.round(np.maximum(scaled + false_rain * rng.exponential(0.5, len(values)), 0), 1)


def answer(cities: dict[str, CitySeries], endpoint: str, params: dict[str, list[str]]) -> dict:
    """The JSON body for a request; raises BadRequest for anything Open-Meteo would reject."""
    latitude = _coordinate(params, "latitude", 90)
    longitude = _coordinate(params, "longitude", 180)
    start, end = _date(params, "start_date"), _date(params, "end_date")
    if end < start:
        raise BadRequest(f"end_date {end} is before start_date {start}")
    zone = _one(params, "timezone", required=False) or TIMEZONE
    if zone not in (TIMEZONE, "auto"):
        raise BadRequest(f"Only timezone={TIMEZONE} is served, got '{zone}'")
    requested = _one(params, "hourly", required=False)
    variables = requested.split(",") if requested else list(VARIABLES)
    unknown = [v for v in variables if v not in VARIABLES]
    if unknown:
        raise BadRequest(f"Unknown hourly variable(s): {', '.join(unknown)}")
    city = nearest_city(cities, latitude, longitude)
    if start < city.first_day or end > city.last_day:
        raise BadRequest(
            f"Dates must be between {city.first_day} and {city.last_day}; "
            f"asked for {start} to {end}"
        )
    if endpoint == "forecast" and end > start + timedelta(days=MAX_FORECAST_DAYS - 1):
        raise BadRequest(f"A forecast covers at most {MAX_FORECAST_DAYS} days from start_date")

    first = (start - city.first_day).days * 24
    hours = ((end - start).days + 1) * 24
    times = pd.date_range(start, periods=hours, freq="h").strftime("%Y-%m-%dT%H:%M").tolist()
    hourly: dict[str, list] = {"time": times}
    for variable in variables:
        values = city.values[variable][first : first + hours]
        if endpoint == "forecast":
            values = _forecast_error(city.name, start, variable, values, np.arange(hours))
        cast = int if variable == "relative_humidity_2m" else float
        hourly[variable] = [cast(v) for v in values]
    return {
        "latitude": city.latitude,
        "longitude": city.longitude,
        "generationtime_ms": 0.1,
        "utc_offset_seconds": UTC_OFFSET_SECONDS,
        "timezone": TIMEZONE,
        "timezone_abbreviation": "-05",
        "hourly_units": {"time": "iso8601"} | {v: VARIABLES[v] for v in variables},
        "hourly": hourly,
    }


class _Handler(BaseHTTPRequestHandler):
    server: WeatherServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        endpoint = {"/v1/archive": "archive", "/v1/forecast": "forecast"}.get(url.path)
        if endpoint is None:
            self._send(404, {"error": True, "reason": f"Not found: {url.path}"})
            return
        try:
            body = answer(self.server.cities, endpoint, parse_qs(url.query))
        except BadRequest as error:
            self._send(400, {"error": True, "reason": str(error)})
            return
        self._send(200, body)

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("weather server: " + format, *args)


class WeatherServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], cities: dict[str, CitySeries]) -> None:
        super().__init__(address, _Handler)
        self.cities = cities

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{port}"


def start_weather_server(
    directory: Path | str, host: str = "127.0.0.1", port: int = 0
) -> tuple[WeatherServer, threading.Thread]:
    """Serve ``directory``'s weather in a background thread; port 0 picks a free port."""
    server = WeatherServer((host, port), load_weather(Path(directory)))
    thread = threading.Thread(target=server.serve_forever, name="weather-server", daemon=True)
    thread.start()
    return server, thread


def stop_weather_server(server: WeatherServer, thread: threading.Thread) -> None:
    """Stop serving, close the socket and wait for the thread."""
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
