"""The promotions stage end to end: a real (tiny) champion in a real MLflow registry, the inputs
in a freshly migrated warehouse, and two runs that must write the same plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from models.sales.config import SalesConfig
from models.sales.forest import SalesForecaster
from pipelines.db import migrate
from pipelines.planning.promotions import TOP_PER_STORE, confidence_label
from pipelines.settings import Settings
from pipelines.stages.promotions import plan_promotions
from pipelines.window import RunWindow
from tests.sales.synthetic import SyntheticPanel, synthetic_panel

TINY = SalesConfig(n_estimators=20, max_samples=3000, min_samples_leaf=5, n_jobs=2)
PANEL = synthetic_panel(stores=2, days=90, seed=1)
BUSINESS_DATE: date = pd.Timestamp(PANEL.sales["date"].max()).date()
SLACK_DAY = BUSINESS_DATE + timedelta(days=1)  # S01: the minimum crew all day, idle hours
CAPPED_DAY = BUSINESS_DATE + timedelta(days=2)  # S01: every hour at the store maximum
UNCOSTED = "limpieza"


@pytest.fixture
def champion(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    """Settings pointing at a private MLflow store holding a ``sales_rf`` champion."""
    import mlflow
    from mlflow import MlflowClient

    from pipelines.tracking import configure_mlflow
    from pipelines.training.mlflow_models import log_model
    from pipelines.training.promotion import CHAMPION
    from pipelines.training.sales import MODEL_NAME, SalesModel

    previous = mlflow.get_tracking_uri()
    private = settings.model_copy(update={"data_dir": tmp_path, "report_language": "en"})
    configure_mlflow(private)
    model = SalesModel(SalesForecaster(TINY).fit(PANEL.sales, PANEL.promotions))
    example = PANEL.sales.tail(200)
    with mlflow.start_run():
        uri = log_model(model, "model", example, model.predict_frame(example))
    version = str(mlflow.register_model(uri, MODEL_NAME).version)
    MlflowClient().set_registered_model_alias(MODEL_NAME, CHAMPION, version)
    try:
        yield private, version
    finally:
        mlflow.set_tracking_uri(previous)


def _insert(engine: Engine, table: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    statement = text(
        f"insert into {table} ({', '.join(columns)}) values ({', '.join(':' + c for c in columns)})"
    )
    with engine.begin() as conn:
        conn.execute(statement, rows)


def _staffing_rows(day: date, binding: dict[str, tuple[str, int, int]]) -> list[dict]:
    """Ten open hours of ``day``; binding: role -> (binding_rule, required, staff)."""
    return [
        {"run_date": BUSINESS_DATE, "store_id": "S01",
         "ts_local": datetime.combine(day, datetime.min.time()) + timedelta(hours=hour),
         "role": role, "business_date": day, "traffic_p50": 20.0, "planned_quantile": "p80",
         "traffic_planned": 25.0, "expected_transactions": 6.0, "required": required,
         "staff": staff, "binding_rule": rule, "rationale": "test", "model_version": "1"}
        for hour in range(10, 20)
        for role, (rule, required, staff) in binding.items()
    ]  # fmt: skip


def _seed(engine: Engine, panel: SyntheticPanel) -> None:
    _insert(engine, "ref.stores", [
        {"store_id": store, "name": store, "city": "Lima", "format": "street",
         "latitude": -12.1, "longitude": -77.0, "opening_hours": "{}", "manager_name": "Ana",
         "manager_email": "ana@example.pe"}
        for store in sorted(panel.sales["store_id"].unique())
    ])  # fmt: skip
    _insert(engine, "core.pos_lines", [
        {"business_date": r.date.date(), "ticket_id": f"T{i}", "line_id": 1,
         "store_id": r.store_id, "ts_local": r.date + pd.Timedelta(hours=12),
         "ts_utc": r.date + pd.Timedelta(hours=17), "category": r.category,
         "product": f"{r.category} item",
         "quantity": 1, "unit_price": r.sales, "discount": 0, "payment_type": "cash",
         "amount": r.sales}
        for i, r in enumerate(panel.sales.itertuples())
    ])  # fmt: skip
    # The marketing calendar as the nights exported it (what the stage reads as known on the
    # business date): a past promotion in its own day's export, a planned one in tonight's.
    exports = [
        {"business_date": min(r.date.date(), BUSINESS_DATE), "source_file": "promotions.csv",
         "promo_id": f"P{i}", "store_id": r.store_id, "date": str(r.date.date()),
         "category": r.category, "discount_pct": str(int(r.discount_pct)), "channel": "tienda"}
        for i, r in enumerate(panel.promotions.itertuples())
        if r.date.date() <= BUSINESS_DATE + timedelta(days=14)
    ]  # fmt: skip
    _insert(engine, "raw.promotions", exports)
    _insert(engine, "ops.loads", [
        {"business_date": day, "source": "promotions", "source_file": "promotions.csv",
         "checksum": "-", "rows_read": n, "rows_loaded": n, "rows_published": n,
         "duration_s": 0.0}
        for day, n in pd.Series([e["business_date"] for e in exports]).value_counts().items()
    ])  # fmt: skip
    # Unit costs: half of a typical day's price, for every category but limpieza (never costed:
    # it gets the default margin). Each line is one unit priced at the day's sales.
    typical = panel.sales.groupby("category")["sales"].median()
    _insert(engine, "core.product_costs", [
        {"business_date": BUSINESS_DATE - timedelta(days=40), "product": f"{category} item",
         "category": category, "unit_cost": round(0.5 * price, 2)}
        for category, price in typical.items() if category != UNCOSTED
    ])  # fmt: skip
    staffing = _staffing_rows(SLACK_DAY, {"cashier": ("minimum", 0, 1), "floor": ("minimum", 0, 1)})
    staffing += _staffing_rows(
        CAPPED_DAY, {"cashier": ("service_level", 2, 2), "floor": ("maximum", 5, 3)}
    )
    _insert(engine, "plan.staffing", staffing)
    _insert(engine, "plan.shift_totals", [
        {"run_date": BUSINESS_DATE, "store_id": "S01", "business_date": day, "role": role,
         "shifts": 2, "staff_hours": staff_hours, "need_hours": need_hours,
         "gap_hours": staff_hours - need_hours}
        for day, role, staff_hours, need_hours in (
            (SLACK_DAY, "cashier", 12.0, 10.0), (SLACK_DAY, "floor", 10.0, 10.0),
            (CAPPED_DAY, "cashier", 20.0, 20.0), (CAPPED_DAY, "floor", 30.0, 30.0),
        )
    ])  # fmt: skip


def _plan(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text("select * from plan.promotions where run_date = :d order by store_id, rank"),
            conn,
            params={"d": BUSINESS_DATE},
        )


def _drivers(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            text(
                "select * from explanations.promotion_drivers where run_date = :d"
                " order by store_id, date, category, discount_pct, driver"
            ),
            conn,
            params={"d": BUSINESS_DATE},
        )


def _untimed(counts: dict[str, object]) -> dict[str, object]:
    """Counts without the seconds a step took (they differ from run to run)."""
    return {key: value for key, value in counts.items() if not key.endswith("_s")}


def test_the_promotion_plan_is_ranked_consistent_and_idempotent(
    fresh_engine: Engine, champion: tuple[Settings, str]
) -> None:
    settings, version = champion
    migrate.upgrade(fresh_engine)
    _seed(fresh_engine, PANEL)
    window = RunWindow.for_business_date(BUSINESS_DATE, settings.tz)

    counts = plan_promotions(fresh_engine, settings, window)
    first = _plan(fresh_engine)
    drivers = _drivers(fresh_engine)
    again = plan_promotions(fresh_engine, settings, window)
    assert _untimed(again) == _untimed(counts)
    pd.testing.assert_frame_equal(_plan(fresh_engine), first)
    pd.testing.assert_frame_equal(_drivers(fresh_engine), drivers)

    assert counts["promotions_proposed"] == len(first) == 2 * TOP_PER_STORE
    for _store, ranks in first.groupby("store_id")["rank"]:
        assert list(ranks) == list(range(1, TOP_PER_STORE + 1))
    pd.testing.assert_series_equal(
        first["expected_lift"], first["sales_with"] - first["sales_without"], check_names=False
    )
    assert (first["expected_lift"] > 0).all()
    assert (first["lift_p10"] <= first["lift_p90"]).all()
    assert set(first["confidence"]) <= {"high", "medium", "low"}
    assert (first["model_version"] == version).all()
    days = (pd.to_datetime(first["date"]).dt.date - BUSINESS_DATE).map(lambda d: d.days)
    assert days.between(1, 14).all()

    # Never a category-day marketing already promotes.
    planned = PANEL.promotions.assign(date=PANEL.promotions["date"].dt.date)
    clash = first.merge(planned, on=["store_id", "date", "category"])
    assert clash.empty

    # Staffing: S01's idle day carries its slack (2 shift hours + 20 minimum-crew hours), its
    # fully capped day scores zero and never makes the list, days past the plan have no slack.
    s01 = first[first["store_id"] == "S01"]
    assert (s01.loc[s01["date"] == SLACK_DAY, "staff_slack_hours"] == 22.0).all()
    assert not (s01["date"] == CAPPED_DAY).any()
    assert first.loc[days > 7, "staff_slack_hours"].isna().all()
    assert first["reason"].str.contains("expected sales with").all()

    # Ranked by incremental margin, net of the discount (S02 has no staffing plan: no penalty).
    pd.testing.assert_series_equal(
        first["expected_margin"],
        first["margin_with"] - first["margin_without"],
        check_names=False,
    )
    assert (first["expected_margin"] > 0).all()
    s02 = first[first["store_id"] == "S02"]
    assert s02["expected_margin"].is_monotonic_decreasing
    assert (first["margin_p10"] <= first["expected_margin"]).all()
    assert (first["expected_margin"] <= first["margin_p90"]).all()
    labels = [
        confidence_label(r.expected_margin, r.margin_p10, r.margin_p90) for r in first.itertuples()
    ]
    assert first["confidence"].tolist() == labels
    costed = first["category"] != UNCOSTED
    assert (first.loc[costed, "cost_coverage"] == 1.0).all()
    assert (first.loc[costed, "margin_rate"].between(0.2, 0.8)).all()
    assert (first.loc[~costed, "cost_coverage"] == 0.0).all()
    assert first.loc[~costed, "margin_rate"].tolist() == pytest.approx(
        [settings.default_margin_rate] * int((~costed).sum())
    )
    assert first["reason"].str.contains("; margin +S/ ", regex=False).all()
    assert counts["promotion_expected_margin_pen"] == pytest.approx(
        first["expected_margin"].sum(), abs=0.01
    )
    # What drives each lift: the drivers add up to it, and the reason names them.
    key = ["store_id", "date", "category", "discount_pct"]
    summed = drivers.groupby(key)["contribution_pen"].sum().rename("explained")
    lifts = first.set_index(key)["expected_lift"].to_frame().join(summed)
    assert len(lifts) == len(first)
    assert (lifts["expected_lift"] - lifts["explained"]).abs().max() < 1e-6
    assert first["reason"].str.contains("; driven by ").all()
    assert "explain_promotions_error" not in counts
