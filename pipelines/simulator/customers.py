"""Loyalty members with latent habits: how often they come, how much they spend, how loyal they
are, and whether they have given up on us.

Churn is driven by experience: each visit during an understaffed hour, and each negative review
a member writes, raises the chance that it was their last visit. So recency, frequency and the
sentiment of a member's reviews predict whether they come back within 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from pipelines.simulator.names import FIRST_NAMES, SURNAMES, ascii_slug

CUSTOMER_COLUMNS = ("customer_id", "full_name", "email", "phone", "home_store_id", "signup_date")
TARGET_LOYALTY_SHARE = 0.46  # of expected tickets; closed days and churn bring it near 40%
MEDIAN_GAP_DAYS = 9.0
GAP_SPREAD = 0.7  # sigma of the log-normal gap
INVERSE_GAP_MEAN = np.exp(-np.log(MEDIAN_GAP_DAYS) + GAP_SPREAD**2 / 2)
SIGNUP_CATCH_UP = 0.08  # share of the shortfall against the target signed up each day
OTHER_STORE_PROBABILITY = 0.1  # a visit to another store of the same city
BACKGROUND_CHURN_PER_DAY = 0.0007  # moved away, changed habits
# Per-visit churn: base by loyalty, multiplied after bad experiences.
CHURN_BASE_MIN, CHURN_BASE_MAX = 0.01, 0.05
CHURN_UNDERSTAFFED_FACTOR = 3.0
# Relative risk added by the review a member wrote today, by its stars (0 = no review).
CHURN_REVIEW_FACTOR = np.array([0.0, 20.0, 10.0, 1.0, 0.0, -0.3])
CHURN_MEMORY_FACTOR = 0.8  # each remembered bad experience adds this much relative risk
MEMORY_DECAY_PER_DAY = 0.985
GAP_STRETCH_AFTER_BAD = 1.15  # a disappointed member also comes less often
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.es", "pucp.edu.pe")


def member_code(index: int) -> str:
    """customer_id of the member at ``index``: C000001, C000002, ..."""
    return f"C{index + 1:06d}"


@dataclass
class Customers:
    """Growing arrays, one entry per member; ``pii`` holds the customers.csv text columns."""

    home_store: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    signup_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="datetime64[D]"))
    mean_gap: np.ndarray = field(default_factory=lambda: np.zeros(0))
    spend: np.ndarray = field(default_factory=lambda: np.zeros(0))
    loyalty: np.ndarray = field(default_factory=lambda: np.zeros(0))
    active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    bad_memory: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pii: list[tuple[str, str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.home_store)

    @property
    def ids(self) -> np.ndarray:
        return np.array([member_code(i) for i in range(len(self))], dtype=object)

    def sign_up(
        self, stores: np.ndarray, signup_days: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Add members whose home stores and signup dates are given."""
        n = len(stores)
        if n == 0:
            return
        first = rng.choice(np.array(FIRST_NAMES, dtype=object), n)
        last1 = rng.choice(np.array(SURNAMES, dtype=object), n)
        last2 = rng.choice(np.array(SURNAMES, dtype=object), n)
        domains = rng.choice(np.array(EMAIL_DOMAINS, dtype=object), n)
        numbers = rng.integers(0, 10_000_000, n)
        start = len(self)
        for i in range(n):
            email = f"{ascii_slug(first[i])}.{ascii_slug(last1[i])}{(start + i) % 997}@{domains[i]}"
            phone = f"+51 9{numbers[i] // 100000:02d} {numbers[i] // 100 % 1000:03d} " + (
                f"{numbers[i] % 1000:03d}"
            )
            self.pii.append((f"{first[i]} {last1[i]} {last2[i]}", email, phone))
        self.home_store = np.concatenate([self.home_store, stores])
        self.signup_day = np.concatenate([self.signup_day, signup_days.astype("datetime64[D]")])
        self.mean_gap = np.concatenate(
            [self.mean_gap, np.clip(rng.lognormal(np.log(MEDIAN_GAP_DAYS), GAP_SPREAD, n), 2, 90)]
        )
        self.spend = np.concatenate([self.spend, rng.lognormal(0.0, 0.35, n)])
        self.loyalty = np.concatenate([self.loyalty, rng.beta(2.5, 2.0, n)])
        self.active = np.concatenate([self.active, np.ones(n, dtype=bool)])
        self.bad_memory = np.concatenate([self.bad_memory, np.zeros(n)])

    def active_per_store(self, store_count: int) -> np.ndarray:
        return np.bincount(self.home_store[self.active], minlength=store_count)

    def table(self, store_ids: np.ndarray) -> pd.DataFrame:
        names, emails, phones = zip(*self.pii, strict=True) if self.pii else ((), (), ())
        return pd.DataFrame(
            {
                "customer_id": self.ids,
                "full_name": list(names),
                "email": list(emails),
                "phone": list(phones),
                "home_store_id": store_ids[self.home_store] if len(self) else [],
                "signup_date": pd.Series(self.signup_day.astype(str), dtype=object),
            },
            columns=list(CUSTOMER_COLUMNS),
        )


def target_visits(expected_tickets_per_day: np.ndarray) -> np.ndarray:
    """Member visits per store-day that make about TARGET_LOYALTY_SHARE of its tickets."""
    return TARGET_LOYALTY_SHARE * expected_tickets_per_day


def seed_members(
    customers: Customers,
    expected_tickets_per_day: np.ndarray,
    opened_on: np.ndarray,
    start: date,
    rng: np.random.Generator,
) -> None:
    """Members who joined before the simulation starts (only at stores already open)."""
    first_day = np.datetime64(start)
    members = target_visits(expected_tickets_per_day) / INVERSE_GAP_MEAN
    counts = np.where(opened_on < first_day, np.round(members), 0)
    stores = np.repeat(np.arange(len(counts)), counts.astype(int))
    earliest = np.maximum(opened_on[stores], first_day - 3 * 365)
    span = (first_day - earliest).astype(int)
    days = earliest + (rng.random(len(stores)) * span).astype("timedelta64[D]")
    customers.sign_up(stores, days, rng)


def daily_signups(
    customers: Customers,
    expected_tickets_per_day: np.ndarray,
    is_open: np.ndarray,
    day: date,
    rng: np.random.Generator,
) -> None:
    """New members at open stores, closing part of the gap to the target member visits.

    The gap is measured in expected visits, not heads: frequent visitors churn sooner, so the
    survivors come less often and more of them are needed.
    """
    store_count = len(expected_tickets_per_day)
    active = np.flatnonzero(customers.active)
    expected_visits = np.bincount(
        customers.home_store[active],
        weights=1.0 / customers.mean_gap[active],
        minlength=store_count,
    )
    shortfall = np.maximum(target_visits(expected_tickets_per_day) - expected_visits, 0)
    counts = np.where(is_open, rng.poisson(SIGNUP_CATCH_UP * shortfall / INVERSE_GAP_MEAN + 0.2), 0)
    stores = np.repeat(np.arange(store_count), counts)
    customers.sign_up(stores, np.full(len(stores), np.datetime64(day)), rng)


def choose_visits(
    customers: Customers,
    day_demand: np.ndarray,
    same_city: list[np.ndarray],
    store_open_today: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(member index, store index) of today's member visits; busy days bring members too."""
    candidates = np.flatnonzero(customers.active)
    home = customers.home_store[candidates]
    p_visit = np.minimum(day_demand[home] / customers.mean_gap[candidates], 0.95)
    visiting = candidates[rng.random(len(candidates)) < p_visit]
    store = customers.home_store[visiting].copy()
    elsewhere = np.flatnonzero(rng.random(len(visiting)) < OTHER_STORE_PROBABILITY)
    for i in elsewhere:
        options = same_city[store[i]]
        store[i] = options[rng.integers(len(options))]
    keep = store_open_today[store]
    return visiting[keep], store[keep]


def after_visits(
    customers: Customers,
    members: np.ndarray,
    understaffed: np.ndarray,
    review_stars: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Update memories and habits after today's visits; some members quit for good.

    ``review_stars`` is the rating of the review each member wrote today, 0 when none.
    """
    customers.bad_memory *= MEMORY_DECAY_PER_DAY
    bad = understaffed | ((review_stars > 0) & (review_stars <= 2))
    customers.bad_memory[members] += bad
    customers.mean_gap[members] *= np.where(bad, GAP_STRETCH_AFTER_BAD, 1.0)
    loyalty = customers.loyalty[members]
    risk = (CHURN_BASE_MIN + (CHURN_BASE_MAX - CHURN_BASE_MIN) * (1 - loyalty)) * (
        1
        + CHURN_UNDERSTAFFED_FACTOR * understaffed
        + CHURN_REVIEW_FACTOR[review_stars]
        + CHURN_MEMORY_FACTOR * customers.bad_memory[members]
    )
    quits = rng.random(len(members)) < np.minimum(risk, 0.8)
    customers.active[members[quits]] = False
    drifting = rng.random(len(customers)) < BACKGROUND_CHURN_PER_DAY
    customers.active &= ~drifting
