"""The explanations as the night writes them: into a migrated warehouse, replaced per run date
(a re-run writes the same rows), additive in SQL, readable by analysts in plain words, and a
failed explanation that leaves nothing stale behind."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from models.loyalty.churn import ChurnModel
from models.loyalty.churn_features import churn_features
from models.sales.features import FeatureRows
from models.sales.forest import SalesForecaster
from models.traffic.forecast import TrafficForecaster
from pipelines.db.roles import ANALYST_ROLE
from pipelines.explanations import churn, sales, traffic
from pipelines.explanations.tables import explain_safely
from pipelines.settings import Settings
from pipelines.window import RunWindow
from tests.explanations.conftest import CHURN_DAYS, CHURN_START
from tests.explanations.planted import BUSINESS_DATE, HOLIDAY, TRAFFIC_ORIGIN

STORES = ("P01", "P02", "P03")
WINDOW = RunWindow.from_ref(
    {"business_date": str(BUSINESS_DATE), "logical_date": str(BUSINESS_DATE + timedelta(days=1)),
     "interval_start": "2024-10-28T05:00:00+00:00", "interval_end": "2024-10-29T05:00:00+00:00",
     "dag_run_id": "explanations-test", "backfill": "false"}
)  # fmt: skip
TABLES = ("sales_drivers", "traffic_drivers", "traffic_days", "churn_drivers",
          "feature_importance")  # fmt: skip


def _clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(text(f"delete from explanations.{table} where run_date = :d"),
                         {"d": BUSINESS_DATE})  # fmt: skip
        conn.execute(text("delete from ref.stores where store_id = any(:s)"), {"s": list(STORES)})


@pytest.fixture(scope="module")
def warehouse(engine: Engine) -> Iterator[Engine]:
    _clear(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into ref.stores (store_id, name, city, format, latitude, longitude,"
                " opening_hours, manager_name, manager_email) values (:s, :s, 'Lima', 'street',"
                " -12.1, -77.0, '{}', 'Ana', 'ana@example.pe')"
            ),
            [{"s": store} for store in STORES],
        )
    yield engine
    _clear(engine)


def _checksum(engine: Engine, table: str) -> str:
    query = text(
        f"select count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
        f" from explanations.{table} t where run_date = :d"
    )
    with engine.connect() as conn:
        return str(conn.execute(query, {"d": BUSINESS_DATE}).scalar_one())


def _members(churn_model: ChurnModel, history: tuple[pd.DataFrame, pd.DataFrame]) -> tuple:
    tickets, reviews = history
    features = churn_features(tickets, reviews, CHURN_START + timedelta(days=CHURN_DAYS))
    keys = [str(uuid.uuid5(uuid.NAMESPACE_OID, c)) for c in features.index]
    scores = features.assign(
        customer_key=keys,
        store_id=[STORES[i % 3] for i in range(len(features))],
        p_return_30d=churn_model.predict_proba(features).to_numpy(),
        monetary_90d=features["spend_total"].to_numpy(),
    )
    return features, scores


def test_a_rerun_of_the_night_writes_the_same_explanations(
    warehouse: Engine, settings: Settings, forest: SalesForecaster, forecast_rows: FeatureRows,
    network: TrafficForecaster, traffic_inputs: tuple[pd.DataFrame, pd.DataFrame],
    churn_model: ChurnModel, member_history: tuple[pd.DataFrame, pd.DataFrame],
) -> None:  # fmt: skip
    small = settings.model_copy(update={"explain_members_per_store": 20,
                                        "explain_member_sample": 50})  # fmt: skip
    features, scores = _members(churn_model, member_history)
    history, future = traffic_inputs

    def night() -> dict[str, str]:
        counts = sales.explain_forecast(warehouse, small, WINDOW, forest, forecast_rows, "4")
        counts |= traffic.explain_forecast(
            warehouse, small, WINDOW, network, history, future, TRAFFIC_ORIGIN, "5"
        )
        counts |= churn.explain_members(
            warehouse, small, WINDOW, churn_model, features, scores, "6"
        )
        assert not [key for key in counts if key.endswith("_error")], counts
        assert counts["sales_max_additivity_error_pen"] < 0.01  # under a cent
        return {table: _checksum(warehouse, table) for table in TABLES}

    first = night()
    assert all(not value.startswith("0:") for value in first.values()), first
    assert night() == first
    with warehouse.connect() as conn:
        # Every forecast row adds up in the table itself: base + its drivers = its forecast.
        worst = conn.execute(
            text(
                "select max(abs(base_pen + total - prediction_pen) / greatest(prediction_pen, 1))"
                " from (select base_pen, prediction_pen, sum(contribution_pen) as total"
                "       from explanations.sales_drivers where run_date = :d"
                "       group by store_id, date, category, base_pen, prediction_pen) r"
            ),
            {"d": BUSINESS_DATE},
        ).scalar_one()
        assert worst < 1e-6
        selections = dict(
            conn.execute(
                text(
                    "select selection, count(distinct customer_key) from explanations.churn_drivers"
                    " where run_date = :d group by 1"
                ),
                {"d": BUSINESS_DATE},
            ).all()
        )
        assert 0 < selections["sample"] <= 50 and 0 < selections["offer_candidate"] <= 60
        models = set(
            conn.execute(
                text("select model_name from explanations.feature_importance where run_date = :d"),
                {"d": BUSINESS_DATE},
            ).scalars()
        )
        assert models == {"sales_rf", "traffic_rnn", "customer_churn"}


def test_analysts_read_the_drivers_in_plain_words(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        conn.exec_driver_sql(f"set local role {ANALYST_ROLE}")
        holiday = conn.execute(
            text(
                "select words from analytics.latest_sales_drivers where store_id = 'P02'"
                " and date = :h and category = '__all__' and rank = 1"
            ),
            {"h": HOLIDAY},
        ).scalar_one()
        why = conn.execute(
            text("select why, drivers from analytics.latest_traffic_why where store_id = 'P02'"
                 " and date = :h"), {"h": HOLIDAY}
        ).one()  # fmt: skip
        trend = conn.execute(text("select count(*) from analytics.feature_importance_trend"))
        assert trend.scalar_one() > 0
    assert holiday.startswith("feriado: +S/ ") and "," in holiday  # thousands, as in the email
    assert why.why.startswith("viernes 01/11: +") and "feriado" in why.why
    assert why.drivers.startswith("feriado: +")


def test_a_failed_explanation_is_reported_and_leaves_nothing_stale(warehouse: Engine) -> None:
    def broken() -> dict[str, object]:
        raise ValueError("no model here")

    counts = explain_safely(
        "sales", warehouse, BUSINESS_DATE, ("sales_drivers", "feature_importance"), broken,
        model_name="sales_rf",
    )  # fmt: skip
    assert counts == {"explain_sales_error": "ValueError: no model here"}
    assert _checksum(warehouse, "sales_drivers").startswith("0:")
    with warehouse.connect() as conn:
        left = conn.execute(
            text(
                "select count(*) from explanations.feature_importance where run_date = :d"
                " and model_name = 'sales_rf'"
            ),
            {"d": BUSINESS_DATE},
        ).scalar_one()
    assert left == 0
