"""What the pipeline relies on from TrafficForecaster: ordered quantiles, robustness to gaps and
unseen stores, scale-free forecasts, reproducibility and warm starts."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pandas as pd
import pytest

from models.traffic.forecast import TrafficForecaster
from tests.traffic.conftest import TINY
from tests.traffic.synthetic import synthetic_traffic


def test_forecasts_every_location_for_the_horizon_with_ordered_quantiles(
    fitted: TrafficForecaster, history: pd.DataFrame
) -> None:
    forecast = fitted.predict(history)
    assert list(forecast.columns) == ["location_id", "ts", "p10", "p50", "p90"]
    assert len(forecast) == history["location_id"].nunique() * TINY.horizon
    first_hour = history["ts"].max() + pd.Timedelta(hours=1)
    assert forecast["ts"].min() == first_hour
    values = forecast[["p10", "p50", "p90"]].to_numpy()
    assert np.isfinite(values).all()
    assert (values >= 0).all()
    assert (forecast["p10"] <= forecast["p50"]).all()
    assert (forecast["p50"] <= forecast["p90"]).all()


def test_only_history_before_the_origin_is_read(
    fitted: TrafficForecaster, history: pd.DataFrame
) -> None:
    origin = pd.Timestamp("2024-07-08")
    tampered = history.copy()
    tampered.loc[tampered["ts"] >= origin, "count"] *= 50
    expected = fitted.predict(history, origin=origin)
    pd.testing.assert_frame_equal(fitted.predict(tampered, origin=origin), expected)
    assert expected["ts"].min() == origin


def test_gaps_nans_and_short_series_do_not_break_fit_or_predict(history: pd.DataFrame) -> None:
    broken = history.copy()
    broken.loc[broken.sample(frac=0.2, random_state=0).index, "count"] = np.nan
    broken = broken.drop(broken.sample(frac=0.1, random_state=1).index)  # hours absent
    last_week = broken["ts"] >= broken["ts"].max() - pd.Timedelta(days=7)
    broken.loc[last_week & (broken["location_id"] == "L000"), "count"] = np.nan  # long outage
    newcomer = history[history["location_id"] == "L001"].tail(24 * 10)  # opened 10 days ago
    broken = pd.concat([broken, newcomer.assign(location_id="NEW")], ignore_index=True)

    forecaster = TrafficForecaster(TINY).fit(broken)
    forecast = forecaster.predict(broken)
    assert set(forecast["location_id"]) == {"L000", "L001", "L002", "NEW"}
    assert np.isfinite(forecast[["p10", "p50", "p90"]].to_numpy()).all()
    # The store blind for a week and the 10-day-old store still get traffic forecast.
    assert (forecast.groupby("location_id")["p50"].sum() > 0).all()


def test_same_seed_gives_the_same_forecasts_on_cpu(history: pd.DataFrame) -> None:
    first = TrafficForecaster(TINY).fit(history).predict(history)
    second = TrafficForecaster(TINY).fit(history).predict(history)
    pd.testing.assert_frame_equal(first, second)
    reseeded = TrafficForecaster(dataclasses.replace(TINY, seed=8)).fit(history)
    assert not np.allclose(reseeded.predict(history)["p50"], first["p50"])


def test_forecasts_follow_the_scale_of_the_input_and_work_for_unseen_stores(
    fitted: TrafficForecaster, history: pd.DataFrame
) -> None:
    """A table the model never saw: new names, counts x1000. The network only sees counts
    relative to each store's recent level, so forecasts scale with the input."""
    renamed = history.assign(location_id="X" + history["location_id"], count=history["count"])
    base = fitted.predict(renamed)
    scaled = fitted.predict(renamed.assign(count=renamed["count"] * 1000))
    np.testing.assert_allclose(
        scaled[["p10", "p50", "p90"]].to_numpy(),
        base[["p10", "p50", "p90"]].to_numpy() * 1000,
        rtol=1e-3,
        atol=1e-3,
    )
    assert base["p50"].sum() > 0


def test_state_round_trip_and_warm_start_with_a_new_store(
    fitted: TrafficForecaster, history: pd.DataFrame
) -> None:
    state = fitted.state_dict()
    restored = TrafficForecaster().load_state_dict(state)
    pd.testing.assert_frame_equal(restored.predict(history), fitted.predict(history))
    unpickled = pickle.loads(pickle.dumps(fitted))  # how MLflow stores the model
    pd.testing.assert_frame_equal(unpickled.predict(history), fitted.predict(history))

    grown = pd.concat(
        [history, history[history["location_id"] == "L002"].assign(location_id="L999")]
    )
    warm = TrafficForecaster(dataclasses.replace(TINY, finetune_epochs=1)).fit(
        grown, init_state=state
    )
    assert warm.report is not None and warm.report.epochs == 1
    assert "L999" in set(warm.predict(grown)["location_id"])
    # Weights saved by another version of the inputs are not reused: a cold start instead.
    stale = state | {"input_layout": {"step": ["anchor"], "calendar": []}}
    cold = TrafficForecaster(dataclasses.replace(TINY, finetune_epochs=1)).fit(grown, stale)
    assert cold.report is not None and cold.report.epochs == TINY.max_epochs
    with pytest.raises(ValueError, match="another version"):
        TrafficForecaster().load_state_dict(stale)

    past, future, series = warm.example_inputs()
    assert warm.network is not None
    assert warm.network(past, future, series).shape == (2, TINY.horizon, 3)


def _holiday_history() -> pd.DataFrame:
    """Four stores whose traffic triples on Peru's public holidays, nothing else special."""
    rng = np.random.default_rng(0)
    ts = pd.date_range("2023-04-03", "2023-08-28 23:00", freq="h")
    holidays = {
        pd.Timestamp(d)
        for d in [
            "2023-04-06",
            "2023-04-07",
            "2023-05-01",
            "2023-06-07",
            "2023-06-29",
            "2023-07-28",
            "2023-07-29",
            "2023-08-06",
            "2023-08-30",
        ]
    }
    busy = np.where(ts.normalize().isin(list(holidays)), 3.0, 1.0)
    shape = 0.2 + np.exp(-0.5 * ((ts.hour.to_numpy() - 15) / 3.0) ** 2)
    frames = [
        pd.DataFrame({"location_id": f"S{s}", "ts": ts, "count": rng.poisson(level * shape * busy)})
        for s, level in enumerate([20, 60, 150, 400])
    ]
    return pd.concat(frames, ignore_index=True)


def test_a_holiday_the_history_shows_busy_gets_a_higher_forecast() -> None:
    history = _holiday_history()
    config = dataclasses.replace(TINY, horizon=48, max_epochs=6, samples_per_epoch=2048)
    forecast = TrafficForecaster(config).fit(history).predict(history)  # Aug 29 and 30
    daily = forecast.groupby(forecast["ts"].dt.date)["p50"].sum()
    tuesday, holiday = daily.iloc[0], daily.iloc[1]  # Aug 30 is Santa Rosa de Lima
    assert holiday > 1.25 * tuesday  # the anchor alone would forecast the same


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        (pd.DataFrame({"location_id": ["a"], "ts": ["2024-01-01"]}), "count"),
        (pd.DataFrame({"location_id": ["a"], "ts": ["soon"], "count": [1.0]}), "ts"),
        (pd.DataFrame({"location_id": ["a"], "ts": ["2024-01-01"], "count": [-3.0]}), "negative"),
    ],
)
def test_bad_tables_fail_with_one_line(table: pd.DataFrame, needle: str) -> None:
    from pipelines.errors import NightshiftError

    with pytest.raises(NightshiftError) as caught:
        TrafficForecaster(TINY).fit(table)
    assert needle in str(caught.value) and "\n" not in str(caught.value)


def test_a_promotion_planned_for_the_horizon_raises_the_forecast() -> None:
    table = synthetic_traffic(series=3, days=56, start="2024-06-03", seed=5, exog=True)
    table["count"] *= 1 + table["promotion"]  # promotions double traffic
    config = dataclasses.replace(TINY, max_epochs=10, samples_per_epoch=1024, seed=1)
    forecaster = TrafficForecaster(config).fit(table)
    assert forecaster.exog_columns == ("promotion", "temperature", "precipitation")

    origin = table["ts"].max() + pd.Timedelta(hours=1)
    hours = pd.date_range(origin, periods=config.horizon, freq="h")

    def total(promotion: float) -> float:
        plan = pd.DataFrame({"ts": hours, "promotion": promotion})  # no location: all stores
        return float(forecaster.predict(table, future_exog=plan)["p50"].sum())

    assert total(1.0) > 1.3 * total(0.0)
    # Exogenous columns stay optional: forecasting without them still works.
    bare = forecaster.predict(table[["location_id", "ts", "count"]])
    assert np.isfinite(bare[["p10", "p50", "p90"]].to_numpy()).all()
