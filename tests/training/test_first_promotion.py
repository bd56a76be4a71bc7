"""A first model is promoted only when it beats its simple baseline on the same holdout; when
it does not, the night serves the baseline, says so and tells the data engineers (a real
sales training on a real warehouse, a real MLflow registry and a real SMTP server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from models.sales.baseline import seasonal_naive_forecast
from models.sales.config import SalesConfig
from pipelines.db import migrate
from pipelines.settings import Settings
from pipelines.stages.promotions import plan_promotions
from pipelines.stages.report import write_run_summary
from pipelines.training import promotion, sales
from pipelines.training.baselines import Baseline
from pipelines.window import RunWindow
from tests.mail_sink import MailSink, smtp_sink
from tests.sales.synthetic import SyntheticPanel
from tests.stages.test_promotions_stage import BUSINESS_DATE, PANEL, _seed


def test_without_a_champion_the_challenger_must_beat_the_baseline() -> None:
    naive = Baseline("seasonal_naive", 10.0)
    lost = promotion.decide("m", "wape", 10.5, None, False, 0.01, baseline=naive)
    assert not lost.promoted and lost.served_baseline == "baseline:seasonal_naive"
    assert lost.champion_score == 10.0
    assert "not promoted: tonight serves the seasonal_naive baseline" in lost.reason
    assert not promotion.decide("m", "wape", 10.0, None, False, 0.01, baseline=naive).promoted
    won = promotion.decide("m", "wape", 9.95, None, False, 0.01, baseline=naive)  # any gain
    assert won.promoted and won.served_baseline is None and "-> promoted" in won.reason
    majority = Baseline("majority_class", 0.25)  # macro-F1: higher is better
    # A classifier that learned only the majority class ties with it: not promoted.
    assert not promotion.decide("m", "f1", 0.25, None, True, 0.01, baseline=majority).promoted
    assert promotion.decide("m", "f1", 0.6, None, True, 0.01, baseline=majority).promoted
    # With a champion, the champion is the bar (as before).
    assert promotion.decide("m", "wape", 10.5, 11.0, False, 0.01, baseline=naive).promoted


def _exactly_weekly(panel: SyntheticPanel) -> SyntheticPanel:
    """Every week a copy of the one before (per store, category and weekday): seasonal naive
    forecasts it (almost: holidays aside) exactly, and the forest cannot beat it."""
    sales = panel.sales.copy()
    weekday = sales["date"].dt.dayofweek
    sales["sales"] = sales.groupby(["store_id", "category", weekday])["sales"].transform("mean")
    return replace(panel, sales=sales)


@pytest.fixture
def night(
    fresh_engine: Engine, settings: Settings, tmp_path: Path
) -> Iterator[tuple[Engine, Settings, MailSink]]:
    """A warehouse with 90 days of exactly weekly sales, a private MLflow store and a local
    SMTP server: the first challenger will lose to seasonal naive."""
    from pipelines.tracking import configure_mlflow

    migrate.upgrade(fresh_engine)
    _seed(fresh_engine, _exactly_weekly(PANEL))
    previous = mlflow.get_tracking_uri()
    with smtp_sink() as sink:
        private = settings.model_copy(
            update={"data_dir": tmp_path, "smtp_host": sink.host, "smtp_port": sink.port}
        )
        configure_mlflow(private)
        try:
            yield fresh_engine, private, sink
        finally:
            mlflow.set_tracking_uri(previous)


def test_a_first_model_worse_than_seasonal_naive_serves_seasonal_naive(
    night: tuple[Engine, Settings, MailSink],
) -> None:
    engine, settings, sink = night
    window = RunWindow.for_business_date(BUSINESS_DATE, settings.tz)

    trained = sales.train(engine, settings, window)

    assert trained["promoted"] is False and trained["served"] == "baseline:seasonal_naive"
    assert promotion.champion_version(sales.MODEL_NAME) is None  # no champion alias
    metrics = mlflow.get_run(trained["mlflow_run_id"]).data.metrics
    with engine.connect() as conn:
        row = conn.execute(
            text("select * from ops.model_promotions where model_name = :m"),
            {"m": sales.MODEL_NAME},
        ).one()
    assert (row.challenger_version, row.champion_version) == (
        trained["version"],
        "baseline:seasonal_naive",
    )
    assert row.champion_score == pytest.approx(metrics["holdout_seasonal_naive_wape"])
    assert row.challenger_score > row.champion_score
    assert row.challenger_score == pytest.approx(metrics["holdout_wape"])
    assert not row.promoted and "not promoted" in row.reason
    # The data engineers are told.
    (alert,) = sink.wait_for(1)
    assert alert.recipients == [settings.alert_email]
    assert "no model beat the baseline" in alert.message["Subject"]
    assert trained["engineers_emailed"] is True

    # The forecast stage publishes seasonal naive's forecast, labelled as such.
    forecast = sales.forecast(engine, settings, window)
    assert forecast["sales_model_version"] == "baseline:seasonal_naive"
    with engine.connect() as conn:
        published = pd.read_sql(
            text("select * from forecast.sales_daily where run_date = :d"),
            conn,
            params={"d": BUSINESS_DATE},
        )
    assert set(published["model_version"]) == {"baseline:seasonal_naive"}
    expected = seasonal_naive_forecast(
        SalesConfig(country=settings.country),
        pd.Timestamp(BUSINESS_DATE),
        sales.load_inputs(engine, window),
    )
    assert len(published) == len(expected) > 0
    assert published["prediction"].sum() == pytest.approx(expected["prediction"].sum())

    # Promotions need the forest's counterfactual: skipped, not failed.
    promotions = plan_promotions(engine, settings, window)
    assert promotions["skipped"].startswith("skipped: no model beat the baseline")

    summary = write_run_summary(
        settings, window, {"train_sales": trained, "forecast": forecast, "promotions": promotions}
    )
    notices = json.loads(Path(summary["summary_path"]).read_text())["notices"]
    assert [line.split(":")[0] for line in notices] == ["train_sales", "forecast", "promotions"]
    assert all("no model beat the baseline" in line for line in notices)
