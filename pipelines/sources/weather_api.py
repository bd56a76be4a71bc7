"""Open-Meteo-compatible weather client: observed hours (archive) and the forecast ahead.

Timeouts, retries with exponential back-off (tenacity) on network errors, 429 and 5xx; a final
failure names the city, its stores and the date. The base URLs are settings, so the real
Open-Meteo, a paid mirror or the simulator's server are interchangeable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from tenacity import (
    RetryError,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from pipelines.errors import NightshiftError

HOURLY = ("temperature_2m", "precipitation", "relative_humidity_2m")
FORECAST_DAYS = 14


class WeatherUnavailable(NightshiftError):
    """The weather API did not answer usefully after every retry."""


@dataclass(frozen=True)
class City:
    name: str
    latitude: float
    longitude: float
    store_ids: tuple[str, ...]


def _retryable(error: BaseException) -> bool:
    if isinstance(error, httpx.TransportError):
        return True
    return isinstance(error, httpx.HTTPStatusError) and (
        error.response.status_code == 429 or error.response.status_code >= 500
    )


class WeatherClient:
    def __init__(
        self,
        archive_url: str,
        forecast_url: str,
        timezone: str,
        timeout_s: float = 10.0,
        attempts: int = 4,
        backoff_s: float = 1.0,
    ) -> None:
        self.urls = {"observed": archive_url, "forecast": forecast_url}
        self.timezone = timezone
        self.attempts = attempts
        self._client = httpx.Client(timeout=timeout_s)
        self._get = retry(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff_s, max=30),
        )(self._get_once)

    def _get_once(self, url: str, params: dict[str, Any]) -> dict[str, Any]:
        response = self._client.get(url, params=params)
        response.raise_for_status()
        payload: dict[str, Any] = response.json()
        return payload

    def hourly(self, kind: str, city: City, start: date, end: date) -> dict[str, Any]:
        params = {
            "latitude": city.latitude,
            "longitude": city.longitude,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "hourly": ",".join(HOURLY),
            "timezone": self.timezone,
        }
        try:
            payload = self._get(self.urls[kind], params)
        except RetryError as error:
            cause = error.last_attempt.exception()
            reason = f"{cause} after {self.attempts} attempts"
            raise self._failure(kind, city, start, end, reason) from None
        except httpx.HTTPError as error:
            raise self._failure(kind, city, start, end, str(error)) from None
        if "hourly" not in payload or "time" not in payload["hourly"]:
            raise self._failure(kind, city, start, end, "response has no hourly series")
        return payload

    def _failure(self, kind: str, city: City, start: date, end: date, reason: str) -> Exception:
        stores = ", ".join(city.store_ids)
        return WeatherUnavailable(
            f"weather {kind} for {city.name} (stores {stores}) {start}..{end} "
            f"from {self.urls[kind]} failed: {reason}"
        )

    def close(self) -> None:
        self._client.close()


def fetch_night(client: WeatherClient, cities: list[City], business_date: date) -> dict[str, Any]:
    """The business date's observed hours and the forecast for the days after it, per city."""
    ahead = (business_date + timedelta(days=1), business_date + timedelta(days=FORECAST_DAYS))
    return {
        "business_date": business_date.isoformat(),
        "responses": [
            {"kind": kind, "city": city.name, "response": client.hourly(kind, city, *window)}
            for city in cities
            for kind, window in (("observed", (business_date, business_date)), ("forecast", ahead))
        ],
    }


def rows_from_payload(payload: dict[str, Any]) -> dict[str, list[Any]]:
    """Flatten the night's responses into rows of the raw.weather dataset (all text)."""
    rows: dict[str, list[Any]] = {
        k: [] for k in ("kind", "city", "latitude", "longitude", "ts", *HOURLY)
    }
    for item in payload["responses"]:
        response = item["response"]
        hourly = response["hourly"]
        for i, ts in enumerate(hourly["time"]):
            rows["kind"].append(item["kind"])
            rows["city"].append(item["city"])
            rows["latitude"].append(str(response.get("latitude")))
            rows["longitude"].append(str(response.get("longitude")))
            rows["ts"].append(ts)
            for name in HOURLY:
                value = hourly.get(name, [None] * len(hourly["time"]))[i]
                rows[name].append(None if value is None else str(value))
    return rows
