"""The catalogue's unit costs through the gate: bad rows quarantined with a reason, good ones in
core.product_costs, a night without the (optional) export keeps the last costs, and the cost
shares the promotion plan reads come out of the lines and the latest costs."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from pipelines.planning.margins import cost_shares
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from tests.ingest.landing import write_landing
from tests.ingest.test_pos_pipeline import _run_pos


def _write_costs(root: Path, day: date, rows: list[dict[str, str]]) -> None:
    path = root / "pos" / f"{day:%Y-%m-%d}" / "product_costs.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["product", "category", "unit_cost"])
        writer.writeheader()
        writer.writerows(rows)


def _rows(engine: Engine, query: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params).all()]


def test_costs_are_gated_kept_across_nights_and_priced_into_cost_shares(
    engine: Engine, landing_settings: Settings
) -> None:
    root = Path(landing_settings.landing)
    day = date(2029, 9, 10)  # a date no other test loads (the gate compares volumes)
    write_landing(root, day)
    _write_costs(
        root,
        day,
        [
            {"product": "Chicha morada 1L", "category": "bebidas", "unit_cost": "3.30"},
            {"product": "Inca Kola 1.5L", "category": "bebidas", "unit_cost": ""},
            {"product": "Pan francés x6", "category": "panaderia", "unit_cost": "-1.00"},
            {"product": "Chicha morada 1L", "category": "bebidas", "unit_cost": "9.99"},
            # The rest of the list (3 bad rows of 20 stay under the 20% the gate allows).
            *({"product": f"Producto {i}", "category": "abarrotes", "unit_cost": "1.00"}
              for i in range(16)),
        ],
    )  # fmt: skip
    counts = _run_pos(engine, landing_settings, day)
    assert counts["product_costs_loaded"] == 20
    assert counts["product_costs_published"] == 17
    reasons = sorted(
        r[0]
        for r in _rows(
            engine, "select reason from quarantine.product_costs where business_date = :d", d=day
        )
    )
    assert reasons == [
        "duplicate of an earlier row with the same business_date/product",
        "missing or malformed unit cost (the product keeps its last cost, else the default margin)",
        "unit cost not a positive amount below S/ 100,000",
    ]
    assert _rows(
        engine,
        "select product, unit_cost::float from core.product_costs"
        " where category = 'bebidas' and business_date = :d",
        d=day,
    ) == [("Chicha morada 1L", pytest.approx(3.30))]

    # The next night sends no cost list: the night runs and the costs stay.
    later = day + timedelta(days=1)
    write_landing(root, later)
    counts = _run_pos(engine, landing_settings, later)
    assert "product_costs_loaded" not in counts and counts["product_costs_published"] == 0
    with engine.connect() as conn:
        sums = pd.read_sql(sql("promotions/cost_shares"), conn, params={"run_date": later})
    shares = cost_shares(sums, default_margin_rate=0.30).set_index("store_id")
    # Both stores sold only Chicha morada 1L at S/ 5.50: cost share 3.30 / 5.50 = 0.6.
    assert shares["cost_share"].tolist() == pytest.approx([0.6, 0.6])
    assert shares["cost_coverage"].tolist() == [1.0, 1.0]


def test_a_product_without_any_cost_gets_the_default_margin() -> None:
    sums = pd.DataFrame(
        {
            "store_id": ["S1", "S1"],
            "category": ["bebidas", "snacks"],
            "list_sales": [100.0, 50.0],
            "known_cost": [30.0, 0.0],
            "uncosted_sales": [50.0, 50.0],  # half of bebidas, all of snacks never costed
        }
    )
    shares = cost_shares(sums, default_margin_rate=0.25).set_index("category")
    assert shares.loc["bebidas", "cost_share"] == pytest.approx((30 + 0.75 * 50) / 100)
    assert shares.loc["bebidas", "cost_coverage"] == pytest.approx(0.5)
    assert shares.loc["snacks", "cost_share"] == pytest.approx(0.75)
    assert shares.loc["snacks", "cost_coverage"] == 0.0
