"""Staffing plans compared in a closed loop: each schedule is replayed on the simulated chain
and scored by what followed (customers served in time, sales lost to understaffing, labour).

The chain is simulated up to the evaluation period; the traffic model is trained on its door
counts before the period and forecasts each week from the night before it (rolling origins,
weights fixed). Plans, all for the same weeks, stores and customers:

- ``nightshift``: the planner (Erlang C cashiers, floor standard, P80) on the model's quantiles;
- ``last_year`` (a): the staff on duty the same weekday 52 weeks earlier;
- ``flat`` (b): nightshift's hours spread evenly over each store-week's open hours;
- ``seasonal_naive`` (c): the same planner on a seasonal-naive forecast (same hour last week);
- ``nightshift_at_last_year_hours`` / ``flat_at_last_year_hours`` /
  ``seasonal_naive_at_nightshift_hours``: the same shapes spending another plan's hours, so
  plans are also compared at equal labour.

Every schedule is replayed with the same sick days and late arrivals the managers' plans meet.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from models.traffic.config import TrafficConfig
from pipelines.evaluation.chain import ChainHistory, continue_chain, simulate_chain
from pipelines.evaluation.forecasts import seasonal_naive, store_table, weekly_forecasts
from pipelines.evaluation.schedules import (
    SCHEDULE_COLUMNS,
    daily_arrays,
    fit_to_hours,
    flat_schedule,
    last_year_schedule,
    open_hours,
    planned_schedule,
    weekly_hours,
)
from pipelines.planning.parameters import StaffingParameters
from pipelines.simulator.replay import ReplayResult, replay

PLAN_LABELS = {
    "nightshift": "nightshift (P80 quantile forecast)",
    "managers": "the simulated managers' own plans",
    "last_year": "(a) same weekday last year",
    "flat": "(b) flat, nightshift's hours",
    "seasonal_naive": "(c) seasonal-naive forecast plan",
    "nightshift_at_last_year_hours": "nightshift at (a)'s hours",
    "flat_at_last_year_hours": "(b) flat at (a)'s hours",
    "seasonal_naive_at_nightshift_hours": "(c) at nightshift's hours",
}


@dataclass(frozen=True)
class ComparisonConfig:
    stores: int = 20
    history_days: int = 730
    weeks: int = 8
    seed: int = 7
    start: date = date(2024, 1, 1)
    planning_quantile: float = 0.8
    traffic: TrafficConfig = field(default_factory=TrafficConfig)

    @property
    def first_day(self) -> date:
        return self.start + timedelta(days=self.history_days)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=7 * self.weeks - 1)


@dataclass(frozen=True)
class PlanComparison:
    table: pd.DataFrame  # one row per plan (PLAN_LABELS order)
    goals: dict[str, Any]
    results: dict[str, ReplayResult]
    schedules: dict[str, pd.DataFrame]
    seconds: dict[str, float]


def _weekly_plans(
    forecasts: dict[date, pd.DataFrame],
    history: ChainHistory,
    params: StaffingParameters,
) -> pd.DataFrame:
    frames = []
    for origin, forecast in forecasts.items():
        stores = store_table(history, origin)
        frames.append(
            planned_schedule(forecast, stores, origin, origin + timedelta(days=6), params)
        )
    return pd.concat(frames, ignore_index=True)


def build_schedules(
    history: ChainHistory,
    cfg: ComparisonConfig,
    forecasts: dict[date, pd.DataFrame],
) -> dict[str, pd.DataFrame]:
    """Every plan's schedule over the period (each store's open hours, staff per hour)."""
    first, last = cfg.first_day, cfg.last_day
    params = StaffingParameters(planning_quantile=cfg.planning_quantile)
    stores = history.sim.stores.table[["store_id", "opening_hours"]]
    # From the day before: its after-midnight hours are the first day's first hours.
    hours = open_hours(stores, first - timedelta(days=1), last)
    on_duty = pd.concat(
        [
            pd.DataFrame(
                {
                    "store_id": np.repeat(history.sim.stores.ids, 24),
                    "ts": pd.Timestamp(day)
                    + pd.to_timedelta(np.tile(np.arange(24), len(staff)), unit="h"),
                    "staff": staff.ravel(),
                }
            )
            for day, staff in history.staffing.items()
            if day < first
        ],
        ignore_index=True,
    )
    on_duty = on_duty[on_duty["staff"] > 0]  # open hours only: 0 = closed (or not open yet)
    last_year = last_year_schedule(on_duty, hours)
    counts = history.counts_frame()
    naive_forecasts = {
        origin: seasonal_naive(
            counts[counts["ts"] < pd.Timestamp(origin)], pd.Timestamp(origin), 168
        )
        for origin in forecasts
    }
    schedules = {
        "nightshift": _weekly_plans(forecasts, history, params),
        "last_year": last_year,
        "seasonal_naive": _weekly_plans(naive_forecasts, history, params),
    }
    # Hours a plan does not cover (the first day's after-midnight hours) keep (a)'s staff.
    for name in ("nightshift", "seasonal_naive"):
        merged = last_year.merge(schedules[name], on=["store_id", "ts"], how="left",
                                 suffixes=("_a", ""))  # fmt: skip
        merged["staff"] = merged["staff"].fillna(merged["staff_a"]).astype(int)
        merged["traffic_planned"] = merged["traffic_planned"].fillna(0.0)
        schedules[name] = merged[[*SCHEDULE_COLUMNS, "traffic_planned"]]
    nightshift_hours = weekly_hours(schedules["nightshift"], first)
    last_year_hours = weekly_hours(last_year, first)
    schedules["flat"] = flat_schedule(hours, nightshift_hours, first)
    schedules["nightshift_at_last_year_hours"] = fit_to_hours(
        schedules["nightshift"], last_year_hours, first, weight="traffic_planned"
    )
    schedules["flat_at_last_year_hours"] = flat_schedule(hours, last_year_hours, first)
    schedules["seasonal_naive_at_nightshift_hours"] = fit_to_hours(
        schedules["seasonal_naive"], nightshift_hours, first, weight="traffic_planned"
    )
    return {name: schedules[name] for name in PLAN_LABELS if name in schedules}


def _scheduled_hours(schedule: pd.DataFrame | None, days: list[date]) -> float:
    """Staff-hours a schedule plans on the replayed calendar days (NaN: no schedule)."""
    if schedule is None:
        return float("nan")
    inside = schedule["ts"].dt.normalize().isin(pd.DatetimeIndex(days))
    return float(schedule.loc[inside, "staff"].sum())


def _row(name: str, result: ReplayResult, scheduled: float) -> dict[str, Any]:
    total = result.summary().iloc[0]
    return {
        "plan": name,
        "label": PLAN_LABELS[name],
        "scheduled_hours": scheduled,
        # On duty: the schedule less the day's sick staff and late arrivals.
        "labour_hours": float(total["labour_hours"]),
        "labour_cost": float(total["labour_cost"]),
        "service_level": float(total["service_level"]),
        "sales": float(total["sales"]),
        "lost_sales": float(total["lost_sales"]),
        "lost_share": float(total["lost_share"]),
    }


def goals(table: pd.DataFrame, margin_rate: float) -> dict[str, Any]:
    """The issue's targets, as ratios: lost sales of nightshift over each baseline's at no
    more labour hours (target <= 0.70 against (a) and (b)), and against (c) (< 1); and what
    nightshift's own plan is worth against (a) and the managers' plans: the gross margin
    (``margin_rate`` of sales) of the sales it keeps, less its extra labour cost."""
    row = table.set_index("plan")

    def ratio(a: str, b: str) -> float:
        return float(row.loc[a, "lost_sales"] / row.loc[b, "lost_sales"])

    def hours(a: str, b: str) -> float:
        return float(row.loc[a, "scheduled_hours"] / row.loc[b, "scheduled_hours"])

    def net_value(a: str, b: str) -> float:
        """Gross margin of the sales ``a`` keeps that ``b`` loses, less ``a``'s extra labour."""
        recovered = row.loc[b, "lost_sales"] - row.loc[a, "lost_sales"]
        extra = row.loc[a, "labour_cost"] - row.loc[b, "labour_cost"]
        return float(recovered * margin_rate - extra)

    own_vs_a = hours("nightshift", "last_year") <= 1.0
    versus_a = "nightshift" if own_vs_a else "nightshift_at_last_year_hours"
    return {
        "vs_last_year_plan": versus_a,
        "lost_ratio_vs_last_year": ratio(versus_a, "last_year"),
        "hours_ratio_vs_last_year": hours(versus_a, "last_year"),
        "lost_ratio_vs_flat": ratio("nightshift", "flat"),
        "hours_ratio_vs_flat": hours("nightshift", "flat"),
        "lost_ratio_vs_seasonal_naive": ratio("nightshift", "seasonal_naive"),
        "hours_ratio_vs_seasonal_naive": hours("nightshift", "seasonal_naive"),
        "lost_ratio_vs_seasonal_naive_same_hours": ratio(
            "nightshift", "seasonal_naive_at_nightshift_hours"
        ),
        "nightshift_hours_vs_last_year": hours("nightshift", "last_year"),
        "gross_margin_rate": margin_rate,
        "net_value_vs_last_year_pen": net_value("nightshift", "last_year"),
        "net_value_vs_managers_pen": net_value("nightshift", "managers"),
    }


def compare_plans(
    cfg: ComparisonConfig, progress: Callable[[str], None] | None = None
) -> PlanComparison:
    say = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    say(f"simulating {cfg.stores} stores x {cfg.history_days} days of history")
    history = simulate_chain(
        cfg.stores, cfg.start, cfg.first_day - timedelta(days=1), cfg.seed, cfg.last_day
    )
    before_period = _snapshot(history)
    # The period once as the chain runs it: door counts do not depend on staffing (footfall is
    # drawn before it), so this is also every plan's door-count history for later origins.
    continue_chain(history, cfg.last_day)
    seconds["simulate"] = time.perf_counter() - began
    origins = [cfg.first_day + timedelta(days=7 * w) for w in range(cfg.weeks)]
    say(f"training the traffic model, forecasting {cfg.weeks} weekly origins")
    forecasts, seconds["traffic_model"] = weekly_forecasts(history, cfg.traffic, origins)
    began = time.perf_counter()
    schedules = build_schedules(history, cfg, forecasts)
    seconds["plans"] = time.perf_counter() - began
    days = [cfg.first_day + timedelta(days=k) for k in range(7 * cfg.weeks)]
    results: dict[str, ReplayResult] = {}
    began = time.perf_counter()
    for name in PLAN_LABELS:
        say(f"replaying {PLAN_LABELS[name]}")
        if name == "managers":  # the simulation as it ran: the reference, not a baseline
            results[name] = replay(before_period, days, lambda _day: None)
            continue
        arrays = daily_arrays(schedules[name], history.sim.stores.ids, days)
        results[name] = replay(before_period, days, arrays.__getitem__)
    seconds["replays"] = time.perf_counter() - began
    table = pd.DataFrame(
        [
            _row(name, result, _scheduled_hours(schedules.get(name), days))
            for name, result in results.items()
        ]
    )
    nightshift_lost = table.set_index("plan").loc["nightshift", "lost_sales"]
    table["lost_vs_nightshift"] = table["lost_sales"] / nightshift_lost
    # The chain's gross margin on what it sold in the period (sales are net of discounts).
    cost = pd.concat(history.baskets[-len(days) :], ignore_index=True)["cost"].sum()
    sold = pd.concat(history.sales[-len(days) :], ignore_index=True)["sales"].sum()
    margin_rate = 1 - float(cost / sold)
    return PlanComparison(table, goals(table, margin_rate), results, schedules, seconds)


def _snapshot(history: ChainHistory) -> Any:
    return copy.deepcopy(history.sim)


def format_table(comparison: PlanComparison) -> str:
    header = (
        f"{'plan':<36} {'planned h':>9} {'on duty h':>9} {'cost PEN':>10} {'served in time':>14} "
        f"{'lost sales PEN':>14} {'lost share':>10} {'lost / nightshift':>17}"
    )
    lines = [header, "-" * len(header)]
    for r in comparison.table.itertuples():
        planned = "-" if np.isnan(r.scheduled_hours) else f"{r.scheduled_hours:,.0f}"
        lines.append(
            f"{r.label:<36} {planned:>9} {r.labour_hours:>9,.0f} {r.labour_cost:>10,.0f} "
            f"{r.service_level:>14.1%} {r.lost_sales:>14,.0f} {r.lost_share:>10.2%} "
            f"{r.lost_vs_nightshift:>17.2f}"
        )
    g = comparison.goals
    lines += [
        "",
        f"nightshift vs (a) last year: lost sales x{g['lost_ratio_vs_last_year']:.2f} at "
        f"x{g['hours_ratio_vs_last_year']:.2f} the hours ({PLAN_LABELS[g['vs_last_year_plan']]};"
        " target <= 0.70 at <= 1.00)",
        f"nightshift vs (b) flat: lost sales x{g['lost_ratio_vs_flat']:.2f} at "
        f"x{g['hours_ratio_vs_flat']:.2f} the hours (target <= 0.70)",
        f"nightshift vs (c) seasonal naive: lost sales x{g['lost_ratio_vs_seasonal_naive']:.2f}"
        f" at x{g['hours_ratio_vs_seasonal_naive']:.2f} the hours; at equal hours "
        f"x{g['lost_ratio_vs_seasonal_naive_same_hours']:.2f} (target < 1)",
        f"nightshift's own plan, worth (gross margin of the sales it keeps at "
        f"{g['gross_margin_rate']:.0%} less its extra labour): S/ "
        f"{g['net_value_vs_last_year_pen']:,.0f} against (a), S/ "
        f"{g['net_value_vs_managers_pen']:,.0f} against the managers' own plans",
    ]
    return "\n".join(lines)
