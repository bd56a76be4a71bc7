"""The simulation state and one simulated day (pure: arrays and tables out, no files)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.simulator import customers as members_mod
from pipelines.simulator.formats import PROFILES
from pipelines.simulator.pos import build_lines, build_tickets, match_visits, payment_types
from pipelines.simulator.promotions import PromotionPlan, plan_promotions, promotion_effect
from pipelines.simulator.regime import RegimeChange, level_factors
from pipelines.simulator.reviews import experience, review_mask
from pipelines.simulator.seasonality import DayContext, build_day_contexts
from pipelines.simulator.stores import Stores, build_stores
from pipelines.simulator.tables import (
    door_counts_table,
    product_costs_table,
    promotions_table,
    review_rows,
    staffing_table,
    transactions_table,
)
from pipelines.simulator.traffic import (
    DoorCounter,
    HourlyTraffic,
    simulate_hourly_traffic,
    store_level,
)
from pipelines.simulator.weather import WeatherLookup, generate_weather

FORECAST_DAYS = 14  # weather and promotions extend this far past the last simulated day
PROMOTION_LEAD = timedelta(days=21)
TREND_ORIGIN = date(2024, 1, 1)
STREAMS = {"traffic": 1, "members": 2, "pos": 3, "reviews": 4}


@dataclass
class DayOutput:
    day: date
    transactions: pa.Table
    door_counts: pa.Table
    staffing: pa.Table
    promotions: pa.Table
    reviews: list[dict]
    product_costs: pa.Table
    # What happened in each store-hour (visitors, staff, conversion...): the closed-loop
    # evaluation (replay.py) scores a schedule with it; never written to the landing files.
    hourly: HourlyTraffic
    sales: np.ndarray  # (stores,) PEN sold that day, net of discounts


@dataclass
class Simulation:
    """Everything that persists from one day to the next."""

    seed: int
    start: date
    end: date
    stores: Stores
    weather_frame: pd.DataFrame
    weather: WeatherLookup
    contexts: dict[date, DayContext]
    promotions: PromotionPlan
    members: members_mod.Customers
    counter: DoorCounter
    same_city: list[np.ndarray]
    reviews_written: int = 0
    regime_changes: tuple[RegimeChange, ...] = ()

    def rng(self, day: date, stream: str) -> np.random.Generator:
        """An independent, reproducible random stream per (seed, day, purpose)."""
        return np.random.default_rng([self.seed, day.toordinal(), STREAMS[stream]])


def expected_tickets(stores: Stores, level: np.ndarray) -> np.ndarray:
    """A store's typical tickets per day at its current level (membership target)."""
    profiles = [PROFILES[f] for f in stores.formats]
    daily = np.array([p.base_daily_traffic * p.base_conversion for p in profiles])
    return daily * level


def start_simulation(
    stores: int,
    start: date,
    end: date,
    seed: int,
    country: str,
    regime_changes: tuple[RegimeChange, ...] = (),
) -> Simulation:
    rng = np.random.default_rng([seed, 0])
    horizon = end + timedelta(days=FORECAST_DAYS)
    store_table = build_stores(stores, start, end, rng)
    weather_frame = generate_weather(start, horizon, rng)
    members = members_mod.Customers()
    level = store_level(store_table, (start - TREND_ORIGIN).days, np.datetime64(start))
    # Seed membership as if every store had reached its level (new stores start from zero).
    members_mod.seed_members(
        members, expected_tickets(store_table, level), store_table.opened_on, start, rng
    )
    same_city = [np.flatnonzero(store_table.city == city) for city in store_table.city]
    for change in regime_changes:
        change.store_index(store_table.ids)  # an unknown store fails before any day is written
    return Simulation(
        seed=seed,
        start=start,
        end=end,
        stores=store_table,
        weather_frame=weather_frame,
        weather=WeatherLookup.from_frame(weather_frame, start),
        contexts=build_day_contexts(start, horizon, country),
        # Planned from three weeks before the start, so day one already has running campaigns.
        promotions=plan_promotions(store_table, start - PROMOTION_LEAD, horizon, rng),
        members=members,
        counter=DoorCounter(stores),
        same_city=same_city,
        regime_changes=regime_changes,
    )


def simulate_day(
    sim: Simulation, day: date, schedule: np.ndarray | None = None, absences: bool = True
) -> DayOutput:
    """Advance the simulation by one calendar day and return that day's landing tables.

    ``schedule`` (stores, 24): staff per hour to work with instead of the store managers' own
    plan (see ``traffic.simulate_hourly_traffic``); every random draw is the same either way."""
    stores, context = sim.stores, sim.contexts[day]
    traffic_rng, member_rng = sim.rng(day, "traffic"), sim.rng(day, "members")
    pos_rng, review_rng = sim.rng(day, "pos"), sim.rng(day, "reviews")

    open_mask = stores.open_mask(day)
    level = store_level(stores, (day - TREND_ORIGIN).days, np.datetime64(day))
    level = level * level_factors(sim.regime_changes, stores.ids, day)
    temperature, rain = sim.weather.for_stores(day, stores.city)
    promo = promotion_effect(sim.promotions, stores, day)
    traffic = simulate_hourly_traffic(
        stores, context, level, open_mask, temperature, rain, promo, traffic_rng,
        schedule=schedule, absences=absences,
    )  # fmt: skip
    counts = sim.counter.read(traffic.visitors, traffic_rng)

    # Members: sign-ups, who comes today, which ticket is theirs.
    is_open = np.asarray(open_mask.any(axis=1))
    members_mod.daily_signups(
        sim.members, expected_tickets(stores, level), is_open, day, member_rng
    )
    visitors, visit_store = members_mod.choose_visits(
        sim.members,
        traffic.day_demand,
        sim.same_city,
        traffic.tickets.sum(axis=1) > 0,
        member_rng,
    )
    kept, visit_hour, visit_slot = match_visits(traffic.tickets, visit_store, pos_rng)
    tickets = build_tickets(
        traffic.tickets,
        visit_store[kept],
        visit_hour[kept],
        visit_slot[kept],
        visitors[kept],
        pos_rng,
    )
    is_member = tickets.member >= 0
    spend = np.where(
        is_member,
        sim.members.spend[np.maximum(tickets.member, 0)],
        pos_rng.lognormal(0.0, 0.35, len(tickets)),
    )
    lines = build_lines(stores, tickets, spend, promo.category_discount, day, pos_rng)
    payments = payment_types(stores, tickets, day, pos_rng)

    # Experience, reviews, and what members make of it.
    threshold = np.array([PROFILES[f].load_threshold for f in stores.formats])
    understaffed = traffic.understaffed[tickets.store, tickets.hour]
    overload = traffic.load[tickets.store, tickets.hour] / threshold[tickets.store]
    discounted = np.bincount(lines.ticket, weights=lines.discount, minlength=len(tickets)) > 0
    felt = experience(
        stores.quality[tickets.store],
        stores.price_index[tickets.store],
        stores.weakness[tickets.store],
        understaffed,
        overload,
        discounted,
        review_rng,
    )
    writes = np.flatnonzero(review_mask(felt.rating, is_member, review_rng))
    reviews = review_rows(
        day,
        stores.ids,
        stores.formats,
        tickets,
        writes,
        felt.rating,
        felt.cause,
        sim.reviews_written + 1,
        review_rng,
    )
    sim.reviews_written += len(reviews)
    review_stars = np.zeros(len(tickets), dtype=int)
    review_stars[writes] = felt.rating[writes]
    members_mod.after_visits(
        sim.members,
        tickets.member[is_member],
        understaffed[is_member],
        review_stars[is_member],
        member_rng,
    )

    ids = stores.ids
    opened = stores.opened_on <= np.datetime64(day)
    return DayOutput(
        day=day,
        transactions=transactions_table(day, ids, tickets, lines, payments),
        door_counts=door_counts_table(day, ids, opened, counts),
        staffing=staffing_table(day, ids, open_mask, traffic.staff),
        promotions=promotions_table(sim.promotions.export(day)),
        reviews=reviews,
        product_costs=product_costs_table(day),
        hourly=traffic,
        sales=np.bincount(tickets.store[lines.ticket], weights=lines.amount, minlength=len(stores)),
    )
