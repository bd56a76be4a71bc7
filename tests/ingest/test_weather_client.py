"""The weather connector against real local HTTP servers: flaky, down, and wrong-shaped."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipelines.sources.weather_api import City, WeatherClient, WeatherUnavailable, fetch_night

LIMA = City("Lima", -12.1, -77.0, ("LIM-MIR-01", "LIM-SIS-01"))


def _payload(start: str) -> dict:
    hours = [f"{start}T{h:02d}:00" for h in range(24)]
    return {
        "latitude": -12.1,
        "longitude": -77.0,
        "timezone": "America/Lima",
        "hourly": {
            "time": hours,
            "temperature_2m": [19.5] * 24,
            "precipitation": [0.0] * 24,
            "relative_humidity_2m": [80] * 24,
        },
    }


@pytest.fixture
def flaky_server() -> Iterator[tuple[str, list[str]]]:
    """Answers 503 to the first two requests, then Open-Meteo-shaped JSON."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            if len(requests) <= 2:
                self.send_response(503)
                self.end_headers()
                return
            start = self.path.split("start_date=")[1][:10]
            body = json.dumps(_payload(start)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    finally:
        server.shutdown()
        thread.join()


def test_transient_errors_are_retried_with_backoff(flaky_server: tuple[str, list[str]]) -> None:
    base, requests = flaky_server
    client = WeatherClient(f"{base}/archive", f"{base}/forecast", "America/Lima", backoff_s=0.01)
    payload = fetch_night(client, [LIMA], date(2026, 11, 21))
    kinds = [item["kind"] for item in payload["responses"]]
    assert kinds == ["observed", "forecast"]
    assert len(requests) == 4  # two 503s, then one success per request
    assert "start_date=2026-11-22" in requests[-1] and "end_date=2026-12-05" in requests[-1]


def test_unreachable_api_fails_clearly_after_the_retries() -> None:
    # Port 9 (discard) has nothing listening here: every attempt is refused.
    client = WeatherClient(
        "http://127.0.0.1:9/v1/archive", "http://127.0.0.1:9/v1/forecast", "America/Lima",
        attempts=3, backoff_s=0.01, timeout_s=2,
    )  # fmt: skip
    with pytest.raises(WeatherUnavailable) as caught:
        fetch_night(client, [LIMA], date(2026, 11, 21))
    message = str(caught.value)
    assert "Lima" in message and "LIM-MIR-01, LIM-SIS-01" in message
    assert "2026-11-21" in message and "after 3 attempts" in message
