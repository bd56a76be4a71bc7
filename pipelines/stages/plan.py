"""Plan: turn tonight's forecasts into the staffing plan and shifts for the next seven days.

The model itself (Erlang C cashiers, labour-standard floor staff, minimum/maximum rules, minimal
shifts) lives in ``pipelines.planning`` and docs/staffing-model.md; this stage feeds it the
champion's traffic quantiles and each store's measured conversion rate, and replaces the run
date's rows of plan.staffing, plan.shifts and plan.shift_totals in one transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.errors import NightshiftError
from pipelines.planning.opening_hours import store_hours
from pipelines.planning.parameters import StaffingParameters, StoreProfile, store_profiles
from pipelines.planning.planner import plan_week
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.window import RunWindow

PLANNING_HORIZON_DAYS = 7


def _inputs(engine: Engine, window: RunWindow) -> tuple[pd.DataFrame, list[StoreProfile], str]:
    with engine.connect() as conn:
        stores = pd.read_sql(
            sql("plan/store_profiles"), conn, params={"business_date": window.business_date}
        )
        forecast = pd.read_sql(
            sql("plan/traffic_forecast"), conn, params={"run_date": window.business_date}
        )
    if forecast.empty:
        raise NightshiftError(f"no traffic forecast for run date {window.business_date}")
    first = window.business_date + timedelta(days=1)
    last = window.business_date + timedelta(days=PLANNING_HORIZON_DAYS)
    hours = pd.concat(
        [
            store_hours(row.opening_hours, first, last).assign(store_id=row.store_id)
            for row in stores.itertuples()
        ],
        ignore_index=True,
    )
    forecast["ts"] = pd.to_datetime(forecast["ts"])
    hours = hours.merge(forecast.drop(columns="model_version"), on=["store_id", "ts"], how="left")
    # Hours past the forecast horizon (a last night's after-midnight close) reuse the last hour.
    hours = hours.sort_values(["store_id", "ts"])
    hours[["p10", "p50", "p90"]] = hours.groupby("store_id")[["p10", "p50", "p90"]].ffill()
    hours = hours.rename(columns={"p10": "traffic_p10", "p50": "traffic_p50", "p90": "traffic_p90"})
    profiles = store_profiles(stores.itertuples())
    return hours, profiles, str(forecast["model_version"].iloc[0])


def _records(frame: pd.DataFrame, **extra: Any) -> list[dict[str, Any]]:
    records = frame.assign(**extra).to_dict("records")
    return [
        {k: (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for k, v in r.items()}
        for r in records
    ]


def plan_staffing(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    hours, profiles, version = _inputs(engine, window)
    params = StaffingParameters(
        planning_quantile=settings.staffing_quantile,
        service_level_target=settings.service_level_target,
        service_level_wait_minutes=settings.service_level_wait_minutes,
    )
    plan = plan_week(hours, profiles, params, language=settings.report_language)
    run = {"run_date": window.business_date}
    hourly = plan.hourly.rename(columns={"ts": "ts_local"})
    shifts = plan.shifts.assign(
        shift_no=plan.shifts.groupby(["store_id", "business_date", "role"]).cumcount() + 1
    )
    with engine.begin() as conn:
        conn.execute(sql("plan/delete_run"), run)
        conn.execute(sql("plan/staffing_insert"), _records(hourly, model_version=version, **run))
        conn.execute(sql("plan/shifts_insert"), _records(shifts, **run))
        conn.execute(sql("plan/shift_totals_insert"), _records(plan.shift_totals, **run))
    return {
        "staffing_rows": len(hourly),
        "shifts": len(shifts),
        "staff_hours": float(plan.shift_totals["staff_hours"].sum()),
        "hours_at_maximum": int((hourly["binding_rule"] == "maximum").sum()),
    }
