"""How each store format behaves: opening hours, daily/weekly traffic shapes, conversion.

Numbers are hand-tuned to look like a Peruvian chain: malls fill up in the evening and at
weekends, street stores live off commuters, restaurants have a lunch and a dinner peak.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FORMATS = ("mall", "street", "restaurant")


def _shape(points: dict[int, float]) -> np.ndarray:
    """A 24-hour weight vector from {hour: weight}; unspecified hours weigh 0."""
    shape = np.zeros(24)
    for hour, weight in points.items():
        shape[hour] = weight
    return shape


@dataclass(frozen=True)
class FormatProfile:
    name: str
    # Average daily door count of a typical store of this format (before size/trend/season).
    base_daily_traffic: float
    # Share of visitors that buy something, before promotions and understaffing.
    base_conversion: float
    # Customers per staff member per hour above which service degrades and conversion drops.
    load_threshold: float
    # Customers per staff member per hour the store manager plans for.
    planned_load: float
    # Minimum staff on duty in any open hour.
    min_staff: int
    # Mean number of extra lines on a ticket (a ticket has 1 + Poisson(extra_lines) lines).
    extra_lines: float
    weekday_factor: tuple[float, ...]  # Monday..Sunday
    weekday_shape: np.ndarray  # hourly weights, Monday..Friday
    weekend_shape: np.ndarray  # hourly weights, Saturday, Sunday and holidays
    holiday_factor: float  # public holiday
    long_weekend_factor: float  # every day of a long weekend ("feriado largo")
    rain_sensitivity: float  # traffic multiplier per mm/h of rain is exp(-rain_sensitivity*mm)
    heat_sensitivity: float  # traffic change per °C above HEAT_THRESHOLD_C


HEAT_THRESHOLD_C = 27.0

PROFILES: dict[str, FormatProfile] = {
    "mall": FormatProfile(
        name="mall",
        base_daily_traffic=620.0,
        base_conversion=0.36,
        load_threshold=30.0,
        planned_load=22.0,
        min_staff=2,
        extra_lines=1.5,
        weekday_factor=(0.80, 0.80, 0.85, 0.90, 1.10, 1.50, 1.40),
        weekday_shape=_shape(
            {10: 0.5, 11: 0.7, 12: 1.0, 13: 1.2, 14: 1.0, 15: 0.9, 16: 1.0, 17: 1.2}
            | {18: 1.5, 19: 1.7, 20: 1.5, 21: 0.9}
        ),
        weekend_shape=_shape(
            {10: 0.6, 11: 0.9, 12: 1.2, 13: 1.4, 14: 1.4, 15: 1.4, 16: 1.5, 17: 1.6}
            | {18: 1.6, 19: 1.5, 20: 1.2, 21: 0.7}
        ),
        holiday_factor=1.30,
        long_weekend_factor=1.15,
        rain_sensitivity=-0.04,  # a little rain sends people indoors, into the mall
        heat_sensitivity=0.04,  # air conditioning
    ),
    "street": FormatProfile(
        name="street",
        base_daily_traffic=440.0,
        base_conversion=0.58,
        load_threshold=24.0,
        planned_load=18.0,
        min_staff=1,
        extra_lines=1.0,
        weekday_factor=(1.05, 1.05, 1.05, 1.05, 1.10, 0.90, 0.65),
        weekday_shape=_shape(
            {7: 1.3, 8: 1.7, 9: 1.0, 10: 0.7, 11: 0.8, 12: 1.0, 13: 1.0, 14: 0.8, 15: 0.7}
            | {16: 0.8, 17: 1.1, 18: 1.6, 19: 1.8, 20: 1.2, 21: 0.7}
        ),
        weekend_shape=_shape(
            {7: 0.4, 8: 0.6, 9: 0.9, 10: 1.1, 11: 1.2, 12: 1.2, 13: 1.1, 14: 1.0, 15: 1.0}
            | {16: 1.0, 17: 1.0, 18: 1.0, 19: 0.9, 20: 0.7, 21: 0.5}
        ),
        holiday_factor=0.70,
        long_weekend_factor=0.75,  # Limeños leave town on a "feriado largo"
        rain_sensitivity=0.35,
        heat_sensitivity=-0.02,
    ),
    "restaurant": FormatProfile(
        name="restaurant",
        base_daily_traffic=240.0,
        base_conversion=0.86,
        load_threshold=11.0,
        planned_load=8.0,
        min_staff=2,
        extra_lines=1.8,
        weekday_factor=(0.70, 0.75, 0.80, 0.95, 1.30, 1.50, 1.20),
        weekday_shape=_shape(
            {12: 0.8, 13: 1.6, 14: 1.4, 15: 0.6, 16: 0.25, 17: 0.3, 18: 0.6, 19: 1.1}
            | {20: 1.5, 21: 1.3, 22: 0.8, 23: 0.4, 0: 0.25}
        ),
        weekend_shape=_shape(
            {12: 0.9, 13: 1.7, 14: 1.7, 15: 1.0, 16: 0.5, 17: 0.4, 18: 0.6, 19: 1.0}
            | {20: 1.4, 21: 1.3, 22: 0.9, 23: 0.5, 0: 0.3}
        ),
        holiday_factor=1.25,
        long_weekend_factor=1.05,
        rain_sensitivity=0.10,
        heat_sensitivity=0.0,
    ),
}


def opening_hours_for(format_name: str, rng: np.random.Generator) -> dict[str, dict[str, str]]:
    """Opening hours keyed by ISO weekday "1".."7"; a missing weekday means closed."""

    def span(open_: str, close: str) -> dict[str, str]:
        return {"open": open_, "close": close}

    if format_name == "mall":
        return {str(day): span("10:00", "22:00") for day in range(1, 8)}
    if format_name == "street":
        hours = {str(day): span("07:00", "22:00") for day in range(1, 7)}
        if rng.random() > 0.3:  # some neighbourhood stores close on Sundays
            hours["7"] = span("08:00", "21:00")
        return hours
    hours = {}
    closed_monday = rng.random() < 0.5
    for day in range(1, 8):
        if day == 1 and closed_monday:
            continue
        # Friday and Saturday nights run past midnight.
        close = "01:00" if day in (5, 6) else ("22:00" if day == 7 else "23:00")
        hours[str(day)] = span("12:00", close)
    return hours


def open_hours_mask(opening_hours: dict[str, dict[str, str]], iso_weekday: int) -> np.ndarray:
    """Which hours (0..23) of a calendar day with this weekday the store is open.

    Early-morning hours belong to the previous day's opening when it closes past midnight.
    """
    mask = np.zeros(24, dtype=bool)
    today = opening_hours.get(str(iso_weekday))
    if today is not None:
        open_h, close_h = _hour(today["open"]), _hour(today["close"])
        mask[open_h : (close_h if close_h > open_h else 24)] = True
    yesterday = opening_hours.get(str((iso_weekday - 2) % 7 + 1))
    if yesterday is not None:
        open_h, close_h = _hour(yesterday["open"]), _hour(yesterday["close"])
        if close_h <= open_h:
            mask[:close_h] = True
    return mask


def _hour(hhmm: str) -> int:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    # An hour that is open for part of it counts as open.
    return hours + (1 if minutes else 0)
