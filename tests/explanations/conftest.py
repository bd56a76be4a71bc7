"""Models fitted once on the planted worlds (tests/explanations/planted.py), small but real."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from models.loyalty.churn import ChurnConfig, ChurnModel
from models.loyalty.churn_features import churn_dataset
from models.sales.config import SalesConfig
from models.sales.features import FeatureRows
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from models.traffic.config import TrafficConfig
from models.traffic.forecast import TrafficForecaster
from tests.explanations.planted import BUSINESS_DATE, planted_sales, planted_traffic
from tests.loyalty.synthetic import ticket_history

SMALL_FOREST = SalesConfig(n_estimators=40, max_samples=4000, min_samples_leaf=5, n_jobs=2)
# Four days ahead reach the planted holiday; enough epochs for the network to learn the effects.
SMALL_NETWORK = TrafficConfig(
    horizon=96,
    max_epochs=4,
    samples_per_epoch=4096,
    batch_size=128,
    validation_windows=256,
    validation_fraction=0.15,
    hidden=32,
    decoder_hidden=48,
    patience=10,
    device="cpu",
    seed=7,
)
CHURN_START = date(2025, 1, 1)
CHURN_DAYS = 180


@pytest.fixture(scope="session")
def sales_inputs() -> SalesInputs:
    return planted_sales()


@pytest.fixture(scope="session")
def forest(sales_inputs: SalesInputs) -> SalesForecaster:
    return SalesForecaster(SMALL_FOREST).fit_inputs(sales_inputs)


@pytest.fixture(scope="session")
def forecast_rows(forest: SalesForecaster, sales_inputs: SalesInputs) -> FeatureRows:
    return forest.horizon_rows(pd.Timestamp(BUSINESS_DATE), sales_inputs)


@pytest.fixture(scope="session")
def traffic_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    return planted_traffic()


@pytest.fixture(scope="session")
def network(traffic_inputs: tuple[pd.DataFrame, pd.DataFrame]) -> TrafficForecaster:
    return TrafficForecaster(SMALL_NETWORK).fit(traffic_inputs[0])


@pytest.fixture(scope="session")
def member_history() -> tuple[pd.DataFrame, pd.DataFrame]:
    return ticket_history(customers=400, start=CHURN_START, days=CHURN_DAYS, seed=4)


@pytest.fixture(scope="session")
def churn_model(member_history: tuple[pd.DataFrame, pd.DataFrame]) -> ChurnModel:
    tickets, reviews = member_history
    cutoffs = [CHURN_START + timedelta(days=d) for d in range(60, 121, 15)]
    last = CHURN_START + timedelta(days=CHURN_DAYS - 1)
    features, labels = churn_dataset(tickets, reviews, cutoffs, observed_until=last)
    return ChurnModel(ChurnConfig(max_iter=100)).fit(features, labels)
