"""The landing contract: file layout, exact columns in order, and values that parse."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines.simulator.core import SimulationSummary
from tests.simulator.conftest import read_day_files, read_reviews, simulate

TS = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
COLUMNS = {
    "stores.csv": [
        "store_id", "name", "city", "district", "format", "latitude", "longitude", "timezone",
        "opening_hours", "manager_name", "manager_email", "size_sqm", "opened_on",
    ],
    "customers.csv": [
        "customer_id", "full_name", "email", "phone", "home_store_id", "signup_date",
    ],
    "pos/*/transactions.csv": [
        "ticket_id", "line_id", "store_id", "ts", "customer_id", "category", "product",
        "quantity", "unit_price", "discount", "payment_type", "amount",
    ],
    "pos/*/door_counts.csv": ["store_id", "ts", "count"],
    "pos/*/staffing.csv": ["store_id", "ts", "staff_on_duty"],
    "pos/*/product_costs.csv": ["product", "category", "unit_cost"],
    "promotions/*/promotions.csv": [
        "promo_id", "store_id", "date", "category", "discount_pct", "channel",
    ],
    "weather/hourly.csv": [
        "city", "latitude", "longitude", "ts", "temperature_2m", "precipitation",
        "relative_humidity_2m",
    ],
}  # fmt: skip


@pytest.mark.parametrize("pattern", sorted(COLUMNS))
def test_every_file_has_exactly_the_contract_columns(
    clean_run: SimulationSummary, pattern: str
) -> None:
    files = sorted(clean_run.config.out.glob(pattern))
    assert files, pattern
    for path in files:
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.replace('"', "").split(",") == COLUMNS[pattern], path


def test_layout_has_every_file_for_every_day(clean_run: SimulationSummary) -> None:
    out, config = clean_run.config.out, clean_run.config
    days = [config.start + timedelta(days=i) for i in range((config.end - config.start).days + 1)]
    for day in days:
        for name in ("pos/{}/transactions.csv", "pos/{}/door_counts.csv", "pos/{}/staffing.csv",
                     "pos/{}/product_costs.csv"):  # fmt: skip
            assert (out / name.format(day)).is_file()
        assert (out / f"promotions/{day}/promotions.csv").is_file()
        assert (out / f"reviews/{day}/reviews.jsonl").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert {k: manifest[k] for k in ("seed", "stores", "start", "end", "defects", "format")} == {
        "seed": 11, "stores": 3, "start": "2025-07-14", "end": "2025-08-03", "defects": 0.0,
        "format": "csv",
    }  # fmt: skip
    assert manifest["generated_files"] == 3 + 6 * len(days)


def test_stores_master(clean_run: SimulationSummary) -> None:
    stores = pd.read_csv(clean_run.config.out / "stores.csv")
    assert stores["store_id"].tolist() == ["LIM-MIR-01", "LIM-ISI-01", "LIM-BAR-01"]
    assert stores["format"].tolist() == ["mall", "street", "restaurant"]
    assert stores["timezone"].eq("America/Lima").all()
    assert stores["latitude"].between(-18.5, -3.3).all()
    assert stores["longitude"].between(-81.5, -68.5).all()
    assert stores["manager_email"].str.fullmatch(r"[a-z0-9.]+@nightshift\.pe").all()
    pd.to_datetime(stores["opened_on"], format="%Y-%m-%d")
    for raw in stores["opening_hours"]:
        hours = json.loads(raw)
        assert set(hours) <= {str(d) for d in range(1, 8)} and hours
        for span in hours.values():
            assert set(span) == {"open", "close"}
    restaurant = json.loads(stores.loc[2, "opening_hours"])
    assert restaurant["6"]["close"] < restaurant["6"]["open"]  # Saturday night past midnight


def test_transactions_parse_and_add_up(clean_run: SimulationSummary) -> None:
    lines = read_day_files(clean_run.config.out, "pos/*/transactions.csv")
    assert lines["ts"].str.fullmatch(TS).all()
    numbers = lines[["line_id", "quantity"]].astype(int)
    money = lines[["unit_price", "discount", "amount"]].astype(float)
    assert lines["unit_price"].str.fullmatch(r"\d+\.\d{2}").all()  # always two decimals
    assert (numbers["quantity"] > 0).all() and (money["discount"] >= 0).all()
    expected = numbers["quantity"] * money["unit_price"] - money["discount"]
    assert np.allclose(money["amount"], expected, atol=0.006)
    assert set(lines["payment_type"]) == {"cash", "card", "yape", "plin"}
    # line_id runs 1..n within each ticket, and a ticket belongs to one store, time, customer.
    per_ticket = lines.assign(line=numbers["line_id"]).groupby("ticket_id")
    assert (per_ticket["line"].max() == per_ticket.size()).all()
    assert (per_ticket[["store_id", "ts", "customer_id"]].nunique(dropna=False) == 1).all().all()
    first = lines.iloc[0]
    assert first["ticket_id"] == f"T-{first['store_id']}-{first['ts'][:10].replace('-', '')}-000001"
    stores = pd.read_csv(clean_run.config.out / "stores.csv")
    restaurant = lines["store_id"] == "LIM-BAR-01"
    assert set(lines.loc[restaurant, "category"]) == {"platos", "bebidas", "postres"}
    assert set(lines.loc[~restaurant, "category"]) >= {"abarrotes", "snacks", "limpieza"}
    assert set(lines["store_id"]) == set(stores["store_id"])


def test_product_costs_cost_every_product_sold_below_its_price(
    clean_run: SimulationSummary,
) -> None:
    out = clean_run.config.out
    costs = read_day_files(out, "pos/*/product_costs.csv")
    lines = read_day_files(out, "pos/*/transactions.csv")
    assert costs["unit_cost"].str.fullmatch(r"\d+\.\d{2}").all()
    one_day = pd.read_csv(out / "pos/2025-07-20/product_costs.csv")
    assert one_day["product"].is_unique
    assert set(lines["product"]) <= set(one_day["product"])
    # Cost below the list price (positive margin), and below the lowest shelf price seen.
    cost = one_day.set_index("product")["unit_cost"]
    cheapest = lines.assign(price=lines["unit_price"].astype(float)).groupby("product")["price"]
    assert (cost.reindex(cheapest.min().index) < cheapest.min()).all()
    margin = 1 - cost.reindex(cheapest.min().index) / cheapest.median()
    by_category = margin.groupby(one_day.set_index("product")["category"]).mean()
    assert by_category["panaderia"] > by_category["abarrotes"] + 0.2


def test_customers_and_their_tickets(clean_run: SimulationSummary) -> None:
    customers = pd.read_csv(clean_run.config.out / "customers.csv", dtype=str)
    assert customers["customer_id"].str.fullmatch(r"C\d{6}").all()
    assert customers["customer_id"].is_unique
    assert customers["email"].str.contains("@").all()
    assert customers["phone"].str.fullmatch(r"\+51 9\d{2} \d{3} \d{3}").all()
    assert pd.to_datetime(customers["signup_date"]).max() <= pd.Timestamp("2025-08-03")
    lines = read_day_files(clean_run.config.out, "pos/*/transactions.csv")
    assert set(lines["customer_id"].dropna()) <= set(customers["customer_id"])


def test_hourly_files_and_promotions_parse(clean_run: SimulationSummary) -> None:
    out = clean_run.config.out
    counts = read_day_files(out, "pos/*/door_counts.csv")
    staffing = read_day_files(out, "pos/*/staffing.csv")
    promotions = read_day_files(out, "promotions/*/promotions.csv")
    for frame in (counts, staffing):
        assert frame["ts"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:00:00").all()
    assert (counts["count"].dropna().astype(int) >= 0).all()
    assert (staffing["staff_on_duty"].astype(int) >= 1).all()
    assert set(promotions["discount_pct"].astype(int)) <= {10, 15, 20, 30}
    assert set(promotions["channel"]) <= {"tienda", "app", "web"}
    pd.to_datetime(promotions["date"], format="%Y-%m-%d")


def test_promotion_export_looks_two_weeks_ahead(clean_run: SimulationSummary) -> None:
    day = date(2025, 7, 20)
    export = pd.read_csv(clean_run.config.out / f"promotions/{day}/promotions.csv")
    dates = pd.to_datetime(export["date"]).dt.date
    assert dates.min() >= day and dates.max() <= day + timedelta(days=14)
    assert not export.duplicated(["promo_id", "store_id", "date", "category"]).any()


def test_reviews_parse(clean_run: SimulationSummary) -> None:
    reviews = read_reviews(clean_run.config.out)
    assert list(reviews.columns) == [
        "review_id", "store_id", "customer_id", "ts", "rating", "language", "text",
    ]  # fmt: skip
    assert reviews["review_id"].is_unique
    assert reviews["ts"].str.fullmatch(TS).all()
    assert set(reviews["rating"]) == {1, 2, 3, 4, 5}
    assert set(reviews["language"]) == {"es", "en"}
    assert reviews["text"].str.len().gt(5).all()
    assert reviews["customer_id"].isna().any() and reviews["customer_id"].notna().any()


def test_weather_covers_the_range_and_two_weeks_beyond(clean_run: SimulationSummary) -> None:
    weather = pd.read_csv(clean_run.config.out / "weather/hourly.csv")
    assert set(weather["city"]) == {"Lima", "Cusco", "Arequipa", "Trujillo", "Piura"}
    stamps = pd.to_datetime(weather["ts"], format="%Y-%m-%d %H:%M:%S")
    assert stamps.min() == pd.Timestamp("2025-07-14 00:00")
    assert stamps.max() == pd.Timestamp("2025-08-17 23:00")  # end + 14 days
    assert (weather.groupby("city").size() == 35 * 24).all()
    assert weather["relative_humidity_2m"].between(0, 100).all()
    assert (weather["precipitation"] >= 0).all()


def test_parquet_files_have_the_same_columns(tmp_path) -> None:
    summary = simulate(tmp_path, stores=2, end=date(2025, 7, 16), file_format="parquet")
    out = summary.config.out
    for kind, pattern in (
        ("transactions", "pos/*/transactions.csv"),
        ("door_counts", "pos/*/door_counts.csv"),
        ("staffing", "pos/*/staffing.csv"),
        ("promotions", "promotions/*/promotions.csv"),
    ):
        files = sorted(out.glob(pattern.replace(".csv", ".parquet")))
        assert len(files) == 3, kind
        table = pq.read_table(files[0])
        assert table.column_names == COLUMNS[pattern]
    assert not list(out.glob("pos/*/*.csv"))
    assert sorted(out.glob("reviews/*/reviews.jsonl"))
    lines = pq.read_table(sorted(out.glob("pos/*/transactions.parquet"))[0]).to_pandas()
    assert lines["ts"].str.fullmatch(TS).all()
    assert lines["amount"].dtype == float
