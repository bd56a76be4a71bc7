"""Day-level demand multipliers per format: weekday, season, holidays, paydays, special days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pipelines.simulator.formats import PROFILES

# Month-of-year traffic multipliers (January..December). December is Christmas shopping;
# July brings the "gratificación" bonus and Fiestas Patrias; February is beach season in Lima.
MONTHLY: dict[str, tuple[float, ...]] = {
    "mall": (0.95, 0.90, 0.92, 0.95, 1.00, 0.98, 1.15, 1.00, 0.97, 1.00, 1.05, 1.35),
    "street": (0.97, 0.92, 0.98, 1.00, 1.00, 1.00, 1.05, 1.00, 1.00, 1.00, 1.02, 1.10),
    "restaurant": (1.00, 0.98, 0.95, 0.97, 1.05, 0.97, 1.10, 1.00, 0.97, 1.00, 1.02, 1.15),
}
PAYDAY_LIFT = 1.15  # the 15th and the last day of the month
AFTER_PAYDAY_LIFT = 1.07  # the day after payday still spends


@dataclass(frozen=True)
class DayContext:
    day: date
    iso_weekday: int
    is_holiday: bool
    holiday_name: str | None
    is_long_weekend: bool
    is_payday: bool
    after_payday: bool

    @property
    def weekend_like(self) -> bool:
        """Saturdays, Sundays and holidays share the leisurely hourly shape."""
        return self.iso_weekday >= 6 or self.is_holiday


def build_day_contexts(start: date, end: date, country: str = "PE") -> dict[date, DayContext]:
    """Calendar facts for every day in ``[start, end]``."""
    from pipelines.reference.calendar import build_calendar

    rows = build_calendar(start - timedelta(days=1), end, country)
    paydays = {row.date for row in rows if row.is_payday}
    return {
        row.date: DayContext(
            day=row.date,
            iso_weekday=row.iso_weekday,
            is_holiday=row.is_holiday,
            holiday_name=row.holiday_name,
            is_long_weekend=row.is_long_weekend,
            is_payday=row.is_payday,
            after_payday=(row.date - timedelta(days=1)) in paydays,
        )
        for row in rows
        if row.date >= start
    }


def _seasonal(format_name: str, day: date) -> float:
    """Monthly multiplier, interpolated so month boundaries do not jump."""
    table = MONTHLY[format_name]
    position = (day.timetuple().tm_yday - 15.5) / 365.25 * 12.0
    low = int(np.floor(position))
    weight = position - low
    return table[low % 12] * (1 - weight) + table[(low + 1) % 12] * weight


def _special_day(format_name: str, day: date) -> float:
    is_second_sunday_of_may = day.month == 5 and day.isoweekday() == 7 and 8 <= day.day <= 14
    if format_name == "restaurant" and is_second_sunday_of_may:
        return 1.7  # Mother's Day: the busiest lunch of the year
    if day.month == 12 and day.day in (22, 23, 24):
        return 1.5 if format_name == "mall" else 1.2  # last-minute Christmas shopping
    if (day.month, day.day) in ((12, 25), (1, 1)):
        return 0.55 if format_name != "restaurant" else 0.8
    return 1.0


def day_factor(format_name: str, context: DayContext) -> float:
    """Multiplier on a store's daily traffic from the calendar alone."""
    profile = PROFILES[format_name]
    factor = profile.weekday_factor[context.iso_weekday - 1]
    factor *= _seasonal(format_name, context.day) * _special_day(format_name, context.day)
    if context.is_holiday:
        factor *= profile.holiday_factor
    if context.is_long_weekend:
        factor *= profile.long_weekend_factor
    if context.is_payday:
        factor *= PAYDAY_LIFT
    elif context.after_payday:
        factor *= AFTER_PAYDAY_LIFT
    return factor


def baseline_day_factor(format_name: str, context: DayContext) -> float:
    """What the staffing plan expects: the usual weekday pattern, blind to holidays and paydays."""
    profile = PROFILES[format_name]
    return profile.weekday_factor[context.iso_weekday - 1] * _seasonal(format_name, context.day)
