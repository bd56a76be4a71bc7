"""True hourly weather per city: seasonal climate, day-to-day anomalies, diurnal cycle, rain.

Monthly climate normals are rough but recognisable: Lima's winter garúa (grey drizzle) and dry
summer, Cusco's rainy season and frosty nights, sunny dry Arequipa, hot Piura with El Niño-like
downpours in February-March, mild Trujillo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

WEATHER_COLUMNS = (
    "city",
    "latitude",
    "longitude",
    "ts",
    "temperature_2m",
    "precipitation",
    "relative_humidity_2m",
)


@dataclass(frozen=True)
class Climate:
    latitude: float
    longitude: float
    mean_temp: tuple[float, ...]  # °C, January..December
    diurnal_half_range: tuple[float, ...]  # °C between the daily mean and the afternoon peak
    humidity: tuple[float, ...]  # mean relative humidity %
    wet_day_probability: tuple[float, ...]
    rain_mm_per_hour: tuple[float, ...]  # mean intensity in a raining hour
    rain_hours: tuple[int, ...]  # hours of the day when rain falls on a wet day


CLIMATES: dict[str, Climate] = {
    "Lima": Climate(
        -12.0464,
        -77.0428,
        mean_temp=(23.0, 24.0, 23.5, 21.5, 19.5, 17.5, 16.5, 16.0, 16.5, 17.5, 19.0, 21.0),
        diurnal_half_range=(3.5, 3.5, 3.2, 2.8, 2.2, 1.8, 1.6, 1.6, 1.8, 2.2, 2.8, 3.2),
        humidity=(74, 74, 76, 79, 82, 85, 86, 86, 85, 82, 79, 76),
        wet_day_probability=(
            0.01,
            0.01,
            0.01,
            0.02,
            0.10,
            0.30,
            0.40,
            0.40,
            0.30,
            0.08,
            0.02,
            0.01,
        ),
        rain_mm_per_hour=(0.05, 0.05, 0.05, 0.05, 0.05, 0.08, 0.1, 0.1, 0.08, 0.05, 0.05, 0.05),
        rain_hours=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 22, 23),  # garúa: nights and mornings
    ),
    "Cusco": Climate(
        -13.5320,
        -71.9675,
        mean_temp=(13.0, 13.0, 12.8, 12.3, 11.0, 9.8, 9.6, 10.8, 12.0, 13.2, 13.6, 13.2),
        diurnal_half_range=(5.5, 5.5, 6.0, 7.0, 8.5, 9.5, 9.8, 9.5, 8.5, 7.5, 6.5, 5.8),
        humidity=(78, 80, 78, 72, 62, 57, 55, 55, 58, 63, 68, 75),
        wet_day_probability=(
            0.70,
            0.68,
            0.60,
            0.35,
            0.10,
            0.04,
            0.04,
            0.06,
            0.15,
            0.30,
            0.45,
            0.60,
        ),
        rain_mm_per_hour=(1.8, 1.8, 1.5, 1.0, 0.6, 0.4, 0.4, 0.5, 0.8, 1.0, 1.4, 1.7),
        rain_hours=(13, 14, 15, 16, 17, 18, 19, 20),
    ),
    "Arequipa": Climate(
        -16.4090,
        -71.5375,
        mean_temp=(15.5, 15.3, 15.3, 15.0, 14.5, 13.8, 13.8, 14.3, 15.0, 15.5, 15.8, 15.8),
        diurnal_half_range=(6.0, 5.8, 6.2, 7.0, 7.5, 7.8, 8.0, 8.0, 7.8, 7.5, 7.0, 6.5),
        humidity=(52, 56, 52, 42, 35, 33, 32, 33, 34, 35, 38, 45),
        wet_day_probability=(0.20, 0.25, 0.15, 0.03, 0.01, 0.0, 0.0, 0.0, 0.01, 0.01, 0.02, 0.08),
        rain_mm_per_hour=(0.8, 1.0, 0.7, 0.4, 0.3, 0.2, 0.2, 0.2, 0.3, 0.3, 0.4, 0.6),
        rain_hours=(14, 15, 16, 17, 18, 19),
    ),
    "Trujillo": Climate(
        -8.1116,
        -79.0290,
        mean_temp=(23.0, 24.0, 23.5, 22.0, 20.5, 19.0, 18.3, 18.0, 18.3, 19.0, 20.0, 21.5),
        diurnal_half_range=(3.5, 3.5, 3.5, 3.2, 3.0, 2.5, 2.4, 2.4, 2.6, 2.8, 3.0, 3.3),
        humidity=(77, 77, 78, 79, 81, 82, 83, 83, 82, 81, 79, 78),
        wet_day_probability=(
            0.03,
            0.05,
            0.05,
            0.02,
            0.02,
            0.03,
            0.04,
            0.04,
            0.03,
            0.02,
            0.02,
            0.02,
        ),
        rain_mm_per_hour=(0.3, 0.5, 0.5, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2),
        rain_hours=(2, 3, 4, 5, 6, 7),
    ),
    "Piura": Climate(
        -5.1945,
        -80.6328,
        mean_temp=(28.0, 28.8, 28.5, 27.0, 25.0, 23.5, 22.8, 22.8, 23.3, 24.0, 25.0, 26.8),
        diurnal_half_range=(5.0, 5.0, 5.0, 5.0, 5.0, 4.8, 4.8, 5.0, 5.2, 5.2, 5.2, 5.0),
        humidity=(66, 68, 70, 68, 68, 70, 70, 68, 66, 65, 64, 64),
        wet_day_probability=(0.10, 0.30, 0.30, 0.10, 0.02, 0.0, 0.0, 0.0, 0.0, 0.01, 0.01, 0.04),
        rain_mm_per_hour=(2.0, 5.0, 5.0, 2.0, 0.5, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 1.0),
        rain_hours=(15, 16, 17, 18, 19, 20, 21, 22, 23),
    ),
}
CITIES = tuple(CLIMATES)


def _daily(values: tuple[float, ...], days: pd.DatetimeIndex) -> np.ndarray:
    """Monthly normals interpolated to each day (cyclic, anchored mid-month)."""
    position = (days.dayofyear.to_numpy() - 15.5) / 365.25 * 12.0  # 0 = mid-January
    table = np.array(values, dtype=float)
    low = np.floor(position).astype(int)
    weight = position - low
    return table[low % 12] * (1 - weight) + table[(low + 1) % 12] * weight


def _city_weather(
    climate: Climate, days: pd.DatetimeIndex, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days, 24) temperature, precipitation and relative humidity for one city."""
    n_days = len(days)
    hour = np.arange(24)[None, :]
    # Peak heat around 15:00, coolest before dawn.
    diurnal = np.cos(2 * np.pi * (hour - 15) / 24)

    anomaly = np.zeros(n_days)  # persistent warm/cold spells
    shocks = rng.normal(0, 0.6, n_days)
    for i in range(1, n_days):
        anomaly[i] = 0.8 * anomaly[i - 1] + shocks[i]

    wet_p = _daily(climate.wet_day_probability, days)
    wet = np.zeros(n_days, dtype=bool)
    draws = rng.random(n_days)
    for i in range(n_days):  # rainy spells persist: wet days follow wet days
        p = min(0.95, wet_p[i] * (2.0 if i and wet[i - 1] else 0.8))
        wet[i] = draws[i] < p
    rain_window = np.zeros(24, dtype=bool)
    rain_window[list(climate.rain_hours)] = True
    raining = wet[:, None] & rain_window[None, :] & (rng.random((n_days, 24)) < 0.55)
    intensity = _daily(climate.rain_mm_per_hour, days)[:, None]
    precipitation = np.where(raining, rng.exponential(1.0, (n_days, 24)) * intensity, 0.0)

    temperature = (
        _daily(climate.mean_temp, days)[:, None]
        + _daily(climate.diurnal_half_range, days)[:, None] * diurnal
        + anomaly[:, None]
        + rng.normal(0, 0.3, (n_days, 24))
        - np.where(raining, 1.5, 0.0)  # rain cools the air
    )
    humidity = (
        _daily(climate.humidity, days)[:, None]
        - 8.0 * diurnal  # drier in the warm afternoon
        + np.where(raining, 12.0, 0.0)
        + rng.normal(0, 2.0, (n_days, 24))
    )
    return (
        np.round(temperature, 1),
        np.round(precipitation, 1),
        np.clip(np.round(humidity), 5, 100).astype(int),
    )


def generate_weather(start: date, end: date, rng: np.random.Generator) -> pd.DataFrame:
    """Hourly weather for every city, ``start`` to ``end`` inclusive, in local time."""
    days = pd.date_range(start, end, freq="D")
    hours = pd.date_range(start, pd.Timestamp(end) + pd.Timedelta(hours=23), freq="h")
    frames = []
    for city in CITIES:
        climate = CLIMATES[city]
        temperature, precipitation, humidity = _city_weather(climate, days, rng)
        frames.append(
            pd.DataFrame(
                {
                    "city": city,
                    "latitude": climate.latitude,
                    "longitude": climate.longitude,
                    "ts": hours,
                    "temperature_2m": temperature.ravel(),
                    "precipitation": precipitation.ravel(),
                    "relative_humidity_2m": humidity.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class WeatherLookup:
    """Fast per-day access to the simulated weather: (cities, days, 24) arrays."""

    start: date
    cities: tuple[str, ...]
    temperature: np.ndarray
    precipitation: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, start: date) -> WeatherLookup:
        temps, rain = [], []
        for city in CITIES:
            rows = frame[frame["city"] == city]
            temps.append(rows["temperature_2m"].to_numpy().reshape(-1, 24))
            rain.append(rows["precipitation"].to_numpy().reshape(-1, 24))
        return cls(start, CITIES, np.stack(temps), np.stack(rain))

    def for_stores(self, day: date, store_cities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(stores, 24) temperature and precipitation on ``day``."""
        index = (day - self.start).days
        city_index = np.array([self.cities.index(c) for c in store_cities])
        return self.temperature[city_index, index], self.precipitation[city_index, index]
