"""Replay days of a simulation with a given staffing schedule, and score what followed.

The simulator draws footfall before staffing, from a random stream of its own per day, so a
replay with another schedule meets exactly the same customers; only how many of them are served
in time and buy changes (and, from then on, how members feel about the chain). Handing the
replay the staff the simulation had reproduces the simulation itself.

Scores per store-hour, from the simulator's own service model (``traffic.py``): each person on
duty serves up to the format's ``load_threshold`` customers an hour in time; beyond that,
conversion falls by (threshold / load)^1.2 — the sales lost to understaffing are the tickets
that fall costs, valued at the store-day's average ticket.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pipelines.simulator.engine import DayOutput, Simulation, simulate_day
from pipelines.simulator.formats import PROFILES

# What an hour of staff costs the chain (PEN, wage plus employer charges): Peru's minimum
# wage is S/ 1,130 a month for 48 h a week; retail staff earn a little more, charges ~45%.
LABOUR_COST_PER_HOUR = {"mall": 9.0, "street": 8.0, "restaurant": 8.5}
# A schedule for one day: (stores, 24) staff per hour; None = the managers' own plan.
Schedule = Callable[[date], np.ndarray | None]
HOUR_COLUMNS = (
    "store_id",
    "date",
    "hour",
    "visitors",
    "staff",
    "served_in_time",
    "tickets",
    "lost_tickets",
    "sales",
    "lost_sales",
    "labour_cost",
)


@dataclass(frozen=True)
class ReplayResult:
    hours: pd.DataFrame  # HOUR_COLUMNS, open store-hours only
    days: list[DayOutput]  # the landing tables of every replayed day, as a simulation writes

    def summary(self, by: Iterable[str] = ()) -> pd.DataFrame:
        """Totals (per ``by`` columns, e.g. store_id): visitors, share served in time, labour
        hours and cost, tickets, sales, and the sales lost to understaffing."""
        keys = list(by)
        frame = self.hours.assign(_all=0)
        grouped = frame.groupby(keys or ["_all"])
        totals = grouped[["visitors", "served_in_time", "staff", "labour_cost", "tickets",
                          "lost_tickets", "sales", "lost_sales"]].sum()  # fmt: skip
        totals = totals.rename(columns={"staff": "labour_hours"})
        totals["service_level"] = totals["served_in_time"] / totals["visitors"].where(
            totals["visitors"] > 0
        )
        totals["lost_share"] = totals["lost_sales"] / (totals["sales"] + totals["lost_sales"])
        return totals.reset_index(drop=not keys)


def score_day(sim: Simulation, output: DayOutput) -> pd.DataFrame:
    """HOUR_COLUMNS for one simulated day's open store-hours."""
    stores, hourly = sim.stores, output.hourly
    threshold = np.array([PROFILES[f].load_threshold for f in stores.formats])[:, None]
    wage = np.array([LABOUR_COST_PER_HOUR[f] for f in stores.formats])[:, None]
    tickets = hourly.tickets
    day_tickets = tickets.sum(axis=1)
    per_ticket = np.divide(
        output.sales, day_tickets, out=np.zeros(len(stores)), where=day_tickets > 0
    )[:, None]
    lost_tickets = hourly.visitors * (hourly.full_conversion - hourly.conversion)
    served = np.minimum(hourly.visitors, hourly.staff * threshold)
    store, hour = np.nonzero(hourly.open_mask)
    columns = {
        "visitors": hourly.visitors,
        "staff": hourly.staff,
        "served_in_time": served,
        "tickets": tickets,
        "lost_tickets": lost_tickets,
        "sales": tickets * per_ticket,
        "lost_sales": lost_tickets * per_ticket,
        "labour_cost": hourly.staff * wage,
    }
    return pd.DataFrame(
        {
            "store_id": stores.ids[store],
            "date": pd.Timestamp(output.day),
            "hour": hour,
            **{name: values[store, hour].astype(float) for name, values in columns.items()},
        },
        columns=list(HOUR_COLUMNS),
    )


def replay(
    sim: Simulation, days: Iterable[date], schedule: Schedule, absences: bool = True
) -> ReplayResult:
    """Simulate ``days`` (consecutive, continuing ``sim``) on a copy of ``sim`` with the staff
    ``schedule`` gives each day (``absences``: the day's sick staff and late arrivals still
    happen, as they do to the managers' plans). ``sim`` itself is left untouched."""
    state = copy.deepcopy(sim)
    outputs, frames = [], []
    for day in days:
        output = simulate_day(state, day, schedule=schedule(day), absences=absences)
        outputs.append(output)
        frames.append(score_day(state, output))
    hours = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=HOUR_COLUMNS)
    return ReplayResult(hours=hours, days=outputs)
