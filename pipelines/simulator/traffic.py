"""Hourly footfall, staffing and conversion for all stores of one day (arrays of (stores, 24)).

Traffic = format baseline x store size, trend and opening ramp-up x calendar x promotions x
weather x noise. Staff follow a plan built from the *usual* pattern, so holidays, promotions and
random absences leave some hours understaffed; when each staff member faces more customers
than the format's threshold, fewer visitors manage to buy. A replay (``replay.py``) hands in
its own ``schedule`` instead of the store manager's plan; every random draw stays the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.simulator.formats import HEAT_THRESHOLD_C, PROFILES
from pipelines.simulator.promotions import PromotionEffect
from pipelines.simulator.seasonality import DayContext, baseline_day_factor, day_factor
from pipelines.simulator.stores import Stores

WEEKLY_MEAN = np.array([np.mean(p.weekday_factor) for p in PROFILES.values()])
RAMP_UP_DAYS = 60.0  # a new store takes a couple of months to be known
SICK_DAY_PROBABILITY = 0.07  # a store-day loses one or two people for the whole day
SHORT_HOUR_PROBABILITY = 0.04  # somebody late or on a long break
DEMAND_AWARE_PLAN_PROBABILITY = 0.5  # the manager looked at the calendar this time
UNDERSTAFFED_CONVERSION_ELASTICITY = 1.2
COUNTER_OUTAGE_START_PROBABILITY = 0.0025  # per store-hour
COUNTER_OUTAGE_MEAN_HOURS = 10.0
COUNTER_SPIKE_PROBABILITY = 0.003  # a door propped open, a kid playing with the sensor


def store_level(stores: Stores, day_index_since_2024: int, day: np.datetime64) -> np.ndarray:
    """Size x long-term trend x opening ramp-up: the store's slow-moving traffic level."""
    years = day_index_since_2024 / 365.25
    age_days = (day - stores.opened_on).astype(int)
    ramp = np.where(
        age_days >= 0, 0.45 + 0.55 * (1 - np.exp(-np.maximum(age_days, 0) / RAMP_UP_DAYS)), 0
    )
    return stores.size_factor * (1 + stores.annual_trend) ** years * ramp


def hourly_shape(stores: Stores, context: DayContext, open_mask: np.ndarray) -> np.ndarray:
    """(stores, 24) share of the day's traffic in each hour; zero when closed."""
    shapes = np.stack(
        [
            (PROFILES[f].weekend_shape if context.weekend_like else PROFILES[f].weekday_shape)
            for f in stores.formats
        ]
    )
    shapes = np.where(open_mask, shapes + 0.05, 0.0)  # +0.05: an open hour is never empty
    totals = shapes.sum(axis=1, keepdims=True)
    return np.divide(shapes, totals, out=np.zeros_like(shapes), where=totals > 0)


def weather_multiplier(stores: Stores, temperature: np.ndarray, rain: np.ndarray) -> np.ndarray:
    rain_sens = np.array([PROFILES[f].rain_sensitivity for f in stores.formats])[:, None]
    heat_sens = np.array([PROFILES[f].heat_sensitivity for f in stores.formats])[:, None]
    heat = np.maximum(temperature - HEAT_THRESHOLD_C, 0.0)
    return np.exp(-rain_sens * np.minimum(rain, 6.0)) * np.clip(1 + heat_sens * heat, 0.5, 1.6)


@dataclass(frozen=True)
class HourlyTraffic:
    open_mask: np.ndarray  # (stores, 24) bool
    expected: np.ndarray  # mean footfall per hour
    visitors: np.ndarray  # true footfall (int)
    staff: np.ndarray  # staff on duty (int, 0 when closed)
    load: np.ndarray  # visitors per staff member
    understaffed: np.ndarray  # load above the format's threshold
    conversion: np.ndarray  # probability that a visitor buys
    tickets: np.ndarray  # number of tickets (int)
    # The conversion had the store not been understaffed: the tickets lost to understaffing
    # are visitors x (full_conversion - conversion).
    full_conversion: np.ndarray
    day_demand: np.ndarray  # (stores,) today's calendar and promotion pull, about 1 on average


def simulate_hourly_traffic(
    stores: Stores,
    context: DayContext,
    level: np.ndarray,
    open_mask: np.ndarray,
    temperature: np.ndarray,
    rain: np.ndarray,
    promo: PromotionEffect,
    rng: np.random.Generator,
    schedule: np.ndarray | None = None,
    absences: bool = True,
) -> HourlyTraffic:
    """One day's hours. ``schedule`` (stores, 24): the staff planned per hour instead of the
    store manager's plan (``absences``: minus the day's sick staff and late arrivals, as the
    manager's plan is; without, exactly the schedule). No staff in an open hour sells nothing."""
    n = len(stores)
    profiles = [PROFILES[f] for f in stores.formats]
    base = np.array([p.base_daily_traffic for p in profiles]) * level
    calendar = np.array([day_factor(f, context) for f in stores.formats])
    usual = np.array([baseline_day_factor(f, context) for f in stores.formats])
    shape = hourly_shape(stores, context, open_mask)

    expected_day = base * calendar * promo.traffic_lift
    expected = expected_day[:, None] * shape * weather_multiplier(stores, temperature, rain)
    noise = rng.lognormal(-0.005, 0.10, n)[:, None] * rng.lognormal(-0.007, 0.12, (n, 24))
    visitors = rng.poisson(expected * noise)

    # The plan: the usual pattern, or (sometimes) today's calendar and promotions.
    aware = rng.random(n) < DEMAND_AWARE_PLAN_PROBABILITY
    plan_day = base * np.where(aware, calendar * promo.traffic_lift, usual)
    planned_load = np.array([p.planned_load for p in profiles]) * stores.chronic_understaffing
    min_staff = np.array([p.min_staff for p in profiles])[:, None]
    plan = np.maximum(np.ceil(plan_day[:, None] * shape / planned_load[:, None]), min_staff)
    sick = (rng.random(n) < SICK_DAY_PROBABILITY) * rng.choice([1, 1, 2], n)
    short = rng.random((n, 24)) < SHORT_HOUR_PROBABILITY
    staff = np.where(open_mask, np.maximum(plan - sick[:, None] - short, 1), 0).astype(int)
    if schedule is not None:
        given = np.asarray(schedule, dtype=int)
        if absences:
            given = np.where(given > 0, np.maximum(given - sick[:, None] - short, 1), 0)
        staff = np.where(open_mask, np.maximum(given, 0), 0).astype(int)

    load = np.divide(visitors, staff, out=np.zeros(visitors.shape), where=staff > 0)
    load = np.where(open_mask & (staff == 0) & (visitors > 0), np.inf, load)
    threshold = np.array([p.load_threshold for p in profiles])[:, None]
    understaffed = open_mask & (load > threshold)
    penalty = np.where(
        understaffed,
        (threshold / np.maximum(load, 1e-9)) ** UNDERSTAFFED_CONVERSION_ELASTICITY,
        1.0,
    )
    unhindered = (
        np.array([p.base_conversion for p in profiles])[:, None]
        * promo.conversion_lift[:, None]
        * (1 + 0.05 * stores.quality)[:, None]
    )
    conversion = np.clip(unhindered * penalty, 0.0, 0.97)
    tickets = rng.binomial(visitors, conversion)
    return HourlyTraffic(
        open_mask=open_mask,
        expected=expected,
        visitors=visitors,
        staff=staff,
        load=load,
        understaffed=understaffed,
        conversion=conversion,
        tickets=tickets,
        full_conversion=np.where(open_mask, np.clip(unhindered, 0.0, 0.97), 0.0),
        day_demand=calendar * promo.traffic_lift / WEEKLY_MEAN[stores.format_index],
    )


class DoorCounter:
    """The door counters' faults: outages that span hours (or days), and occasional spikes."""

    def __init__(self, store_count: int) -> None:
        self.outage_left = np.zeros(store_count, dtype=int)

    def read(self, visitors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Recorded counts as float with NaN for missing hours."""
        n = visitors.shape[0]
        missing = np.zeros(visitors.shape, dtype=bool)
        starts = rng.random((n, 24)) < COUNTER_OUTAGE_START_PROBABILITY
        lengths = rng.geometric(1 / COUNTER_OUTAGE_MEAN_HOURS, (n, 24))
        for s in range(n):  # 24 steps per store; outages carry over midnight
            left = self.outage_left[s]
            for h in range(24):
                if left == 0 and starts[s, h]:
                    left = lengths[s, h]
                if left > 0:
                    missing[s, h] = True
                    left -= 1
            self.outage_left[s] = left
        counts = visitors.astype(float)
        spikes = (rng.random((n, 24)) < COUNTER_SPIKE_PROBABILITY) & (visitors > 0)
        counts = np.where(spikes, np.round(counts * rng.uniform(3, 6, (n, 24))), counts)
        return np.where(missing, np.nan, counts)
