"""Integrated-gradient attributions of the traffic network on a world with planted drivers: the
holiday, payday and heavy rain lead their days, the drivers add up to the day's forecast, a
re-run gives the same numbers, and the "why" lines read as a manager expects."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from models.traffic.attribution import DRIVERS, attribute_days
from models.traffic.forecast import TrafficForecaster
from pipelines.explanations.traffic import day_records, named_drivers
from pipelines.explanations.words import why_line
from pipelines.settings import Settings
from pipelines.window import RunWindow
from tests.explanations.planted import BUSINESS_DATE, HOLIDAY, PAYDAY, RAIN, TRAFFIC_ORIGIN

Inputs = tuple[pd.DataFrame, pd.DataFrame]


@pytest.fixture(scope="module")
def attributed(network: TrafficForecaster, traffic_inputs: Inputs) -> pd.DataFrame:
    history, future = traffic_inputs
    return attribute_days(network, history, future, TRAFFIC_ORIGIN, days=4).table


def _day(table: pd.DataFrame, day: date, store: str) -> pd.DataFrame:
    return table[(table["date"] == pd.Timestamp(day)) & (table["location_id"] == store)]


@pytest.mark.parametrize(
    ("day", "driver", "sign"),
    [(HOLIDAY, "holiday", 1), (PAYDAY, "payday", 1), (RAIN, "rain", -1)],
    ids=["holiday", "payday", "rain"],
)
def test_the_planted_driver_leads_its_day_in_every_store(
    attributed: pd.DataFrame, day: date, driver: str, sign: int
) -> None:
    for store in ("P01", "P02", "P03"):
        rows = _day(attributed, day, store)
        leader = rows.loc[rows["contribution"].abs().idxmax()]
        assert leader["driver"] == driver, (store, rows[["driver", "contribution"]])
        assert np.sign(leader["contribution"]) == sign
        assert named_drivers(rows)[0] == driver


def test_drivers_add_up_to_the_days_forecast(
    network: TrafficForecaster, traffic_inputs: Inputs, attributed: pd.DataFrame
) -> None:
    history, future = traffic_inputs
    days = attributed.groupby(["location_id", "date"])
    total = days["contribution"].sum() + days["usual"].first()
    np.testing.assert_allclose(total, days["forecast"].first(), rtol=1e-9)
    assert set(attributed["driver"]) == set(DRIVERS)
    # Integrated gradients leaves little unexplained (the "other" driver).
    gap = (days["forecast"].first() - days["usual"].first()).abs()
    other = attributed[attributed["driver"] == "other"].set_index(["location_id", "date"])
    assert (other["contribution"].abs() <= 0.05 * gap.clip(lower=10.0)).all()
    # The attributed forecast is the published one: the day's sum of hourly P50.
    predicted = network.predict(history, future_exog=future, origin=TRAFFIC_ORIGIN)
    daily = (
        predicted.assign(date=predicted["ts"].dt.normalize())
        .groupby(["location_id", "date"])["p50"]
        .sum()
    )
    np.testing.assert_allclose(days["forecast"].first(), daily.reindex(total.index), atol=0.5)


def test_the_same_night_attributed_twice_is_identical(
    network: TrafficForecaster, traffic_inputs: Inputs, attributed: pd.DataFrame
) -> None:
    history, future = traffic_inputs
    again = attribute_days(network, history, future, TRAFFIC_ORIGIN, days=4).table
    pd.testing.assert_frame_equal(again, attributed)


@pytest.mark.parametrize(
    ("language", "holiday_line"),
    [("es", "viernes 01/11: +"), ("en", "Friday 01/11: +")],
)
def test_why_lines_for_the_unusual_days(
    attributed: pd.DataFrame, settings: Settings, language: str, holiday_line: str
) -> None:
    window = RunWindow.from_ref(
        {"business_date": str(BUSINESS_DATE), "logical_date": "2024-10-29",
         "interval_start": "2024-10-28T05:00:00+00:00",
         "interval_end": "2024-10-29T05:00:00+00:00", "dag_run_id": "t", "backfill": "false"}
    )  # fmt: skip
    configured = settings.model_copy(update={"report_language": language})
    days, drivers = day_records(attributed, configured, window, "1")
    by_day = {(d["store_id"], d["date"]): d for d in days}
    holiday = by_day[("P02", HOLIDAY)]
    assert holiday["unusual"] and holiday["change_pct"] > 0.5
    normal = "vs un viernes normal — feriado" if language == "es" else "vs a normal Friday — "
    assert holiday["why"].startswith(holiday_line) and normal in holiday["why"]
    rain = by_day[("P02", RAIN)]
    assert rain["change_pct"] < -0.2 and ("lluvia" in rain["why"] or "rain" in rain["why"])
    assert len(drivers) == len(days) * len(DRIVERS)


def test_why_line_words() -> None:
    line = why_line(date(2026, 11, 20), 0.18, ["payday", "holiday_eve"], "es")
    assert line == "viernes 20/11: +18 % vs un viernes normal — quincena y víspera de feriado"
    line = why_line(date(2026, 11, 20), -0.25, ["rain"], "en")
    assert line == "Friday 20/11: −25% vs a normal Friday — rain"
    assert why_line(date(2026, 11, 20), 0.0, [], "en", enough_history=False) == (
        "Friday 20/11: not enough history to compare"
    )
