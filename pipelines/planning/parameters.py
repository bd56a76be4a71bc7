"""Every knob of the staffing model in one frozen dataclass, plus what we know about a store.

Defaults are starting points agreed with operations, not measurements; each one is documented in
docs/staffing-model.md. Fields are flat (one number each) so they map one-to-one onto settings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Final, Literal, get_args

from pipelines.errors import ConfigError

StoreFormat = Literal["mall", "street", "restaurant"]
STORE_FORMATS: Final = ("mall", "street", "restaurant")

Role = Literal["cashier", "floor"]
ROLES: Final[tuple[Role, ...]] = ("cashier", "floor")

Language = Literal["es", "en"]

# Which rule decided a staffing row (see docs/staffing-model.md, "Which rule decided").
BindingRule = Literal["service_level", "labour_standard", "minimum", "maximum", "closed"]
BINDING_RULES: Final[tuple[BindingRule, ...]] = get_args(BindingRule)

# The forecast gives these quantiles; planning quantiles are interpolated between them.
FORECAST_QUANTILES: Final = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class StaffingParameters:
    """How traffic becomes staff, and staff becomes shifts. All times in minutes or hours."""

    # Plan on a pessimistic-but-not-extreme traffic level: under-staffing loses sales and
    # patience, over-staffing only costs wages, so the median is too optimistic.
    planning_quantile: float = 0.80

    # Share of entering customers who buy (one ticket each), by store format.
    conversion_rate_mall: float = 0.35
    conversion_rate_street: float = 0.25
    conversion_rate_restaurant: float = 0.80

    # Cashier queue (Erlang C): mean minutes a cashier needs per ticket, and the service level
    # "service_level_target of customers start being served within service_level_wait_minutes".
    service_time_minutes: float = 2.0
    service_level_target: float = 0.80
    service_level_wait_minutes: float = 3.0

    # Floor labour standard: customers one floor person can look after in an hour, by format.
    floor_customers_per_staff_hour_mall: float = 40.0
    floor_customers_per_staff_hour_street: float = 30.0
    floor_customers_per_staff_hour_restaurant: float = 15.0

    # Nobody works alone on an empty floor or an unattended till: minimum per role while open.
    min_cashiers_open: int = 1
    min_floor_open: int = 1

    # Store capacity: at most one staff member per this many square metres of sales area
    # (total over roles, rounded down), never fewer than the minimums above.
    sqm_per_staff: float = 20.0

    # Shift lengths in whole hours (labour rules and commuting make very short shifts unfair).
    min_shift_hours: int = 4
    max_shift_hours: int = 8

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not math.isfinite(value) or value < 0:
                raise ConfigError(f"staffing parameter {field.name} must be >= 0, got {value}")
        for name in ("min_cashiers_open", "min_floor_open", "min_shift_hours", "max_shift_hours"):
            if int(getattr(self, name)) != getattr(self, name):
                raise ConfigError(f"staffing parameter {name} must be a whole number")
        low, high = FORECAST_QUANTILES[0], FORECAST_QUANTILES[-1]
        if not low <= self.planning_quantile <= high:
            raise ConfigError(
                f"planning_quantile must be between {low} and {high} (the forecast's range), "
                f"got {self.planning_quantile}"
            )
        if not 0 < self.service_level_target < 1:
            raise ConfigError(
                f"service_level_target must be strictly between 0 and 1, "
                f"got {self.service_level_target}"
            )
        for name in ("service_time_minutes", "sqm_per_staff", "min_shift_hours"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"staffing parameter {name} must be > 0")
        for store_format in STORE_FORMATS:
            if self.floor_customers_per_staff_hour(store_format) <= 0:
                raise ConfigError(f"floor_customers_per_staff_hour_{store_format} must be > 0")
            if self.conversion_rate(store_format) > 1:
                raise ConfigError(f"conversion_rate_{store_format} must be at most 1")
        if self.max_shift_hours < self.min_shift_hours:
            raise ConfigError(
                f"max_shift_hours ({self.max_shift_hours}) is below "
                f"min_shift_hours ({self.min_shift_hours})"
            )

    @property
    def quantile_label(self) -> str:
        """How the plan names its traffic level in rows and messages, e.g. ``"p80"``."""
        return f"p{round(self.planning_quantile * 100)}"

    def conversion_rate(self, store_format: StoreFormat) -> float:
        return float(getattr(self, f"conversion_rate_{store_format}"))

    def floor_customers_per_staff_hour(self, store_format: StoreFormat) -> float:
        return float(getattr(self, f"floor_customers_per_staff_hour_{store_format}"))

    def minimum(self, role: Role) -> int:
        return self.min_cashiers_open if role == "cashier" else self.min_floor_open


@dataclass(frozen=True)
class StoreProfile:
    """What the model needs to know about one store; ``None`` means "use the format default"."""

    store_id: str
    format: StoreFormat
    size_sqm: float
    conversion_rate: float | None = None
    floor_customers_per_staff_hour: float | None = None

    def __post_init__(self) -> None:
        if self.format not in STORE_FORMATS:
            raise ConfigError(
                f"store {self.store_id}: format {self.format!r} is not one of {STORE_FORMATS}"
            )
        if not self.size_sqm > 0:
            raise ConfigError(f"store {self.store_id}: size_sqm must be > 0, got {self.size_sqm}")
        if self.conversion_rate is not None and not 0 <= self.conversion_rate <= 1:
            raise ConfigError(f"store {self.store_id}: conversion_rate must be within [0, 1]")
        if (
            self.floor_customers_per_staff_hour is not None
            and not self.floor_customers_per_staff_hour > 0
        ):
            raise ConfigError(f"store {self.store_id}: floor_customers_per_staff_hour must be > 0")

    def conversion(self, params: StaffingParameters) -> float:
        if self.conversion_rate is not None:
            return self.conversion_rate
        return params.conversion_rate(self.format)

    def floor_standard(self, params: StaffingParameters) -> float:
        if self.floor_customers_per_staff_hour is not None:
            return self.floor_customers_per_staff_hour
        return params.floor_customers_per_staff_hour(self.format)

    def max_total_staff(self, params: StaffingParameters) -> int:
        """Most people the sales floor holds at once: floor(size_sqm / sqm_per_staff), but never
        below the role minimums (a store that cannot hold its minimum crew still has to open)."""
        by_space = math.floor(self.size_sqm / params.sqm_per_staff + 1e-9)
        return max(by_space, params.min_cashiers_open + params.min_floor_open)


def store_profiles(rows: Iterable[Any]) -> list[StoreProfile]:
    """Profiles from store rows (``itertuples()`` of plan/store_profiles.sql: store_id, format,
    size_sqm, conversion_rate, the last missing/NaN when the store has no measured rate)."""
    profiles = []
    for row in rows:
        rate = row.conversion_rate
        measured = rate is not None and not (isinstance(rate, float) and math.isnan(rate))
        profiles.append(
            StoreProfile(
                store_id=row.store_id,
                format=row.format,
                size_sqm=float(row.size_sqm),
                conversion_rate=float(rate) if measured else None,
            )
        )
    return profiles
