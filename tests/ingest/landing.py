"""A small, hand-written landing location following the export contract, for precise tests."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

DAYS = range(1, 8)
STORES = [
    {
        "store_id": "LIM-MIR-01", "name": "Miraflores Larcomar", "city": "Lima",
        "district": "Miraflores", "format": "mall", "latitude": "-12.1318",
        "longitude": "-77.0301", "timezone": "America/Lima",
        "opening_hours": json.dumps({str(d): {"open": "10:00", "close": "22:00"} for d in DAYS}),
        "manager_name": "Ana Quispe", "manager_email": "ana.quispe@example.pe",
        "size_sqm": "800", "opened_on": "2020-01-01",
    },
    {
        "store_id": "CUS-CEN-01", "name": "Cusco Centro", "city": "Cusco", "district": "Centro",
        "format": "restaurant", "latitude": "-13.5170", "longitude": "-71.9785",
        "timezone": "America/Lima",
        "opening_hours": json.dumps({str(d): {"open": "12:00", "close": "01:00"} for d in DAYS}),
        "manager_name": "Luis Mamani", "manager_email": "luis.mamani@example.pe",
        "size_sqm": "300", "opened_on": "2021-06-01",
    },
]  # fmt: skip
POS_COLUMNS = [
    "ticket_id", "line_id", "store_id", "ts", "customer_id", "category", "product",
    "quantity", "unit_price", "discount", "payment_type", "amount",
]  # fmt: skip


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def pos_rows(day: date, tickets: int = 40) -> list[dict]:
    rows = []
    for t in range(tickets):
        store = STORES[t % 2]["store_id"]
        ts = datetime.combine(day, datetime.min.time()) + timedelta(hours=12, minutes=7 * t)
        for line in (1, 2):
            rows.append(
                {
                    "ticket_id": f"T-{store}-{day:%Y%m%d}-{t:05d}", "line_id": line,
                    "store_id": store, "ts": ts.strftime("%Y-%m-%d %H:%M:%S"),
                    "customer_id": f"C{t:06d}" if t % 5 < 2 else "", "category": "bebidas",
                    "product": "Chicha morada 1L", "quantity": line, "unit_price": "5.50",
                    "discount": "0.00", "payment_type": "yape", "amount": f"{5.5 * line:.2f}",
                }
            )  # fmt: skip
    return rows


def write_landing(root: Path, day: date, pos: list[dict] | None = None) -> Path:
    """Write every dataset of ``day`` (POS rows overridable) plus the reference snapshots."""
    _write_csv(root / "stores.csv", list(STORES[0]), STORES)
    _write_csv(
        root / "customers.csv",
        ["customer_id", "full_name", "email", "phone", "home_store_id", "signup_date"],
        [
            {"customer_id": f"C{i:06d}", "full_name": f"Cliente {i}",
             "email": f"c{i}@example.pe", "phone": f"+51 9{i:08d}",
             "home_store_id": STORES[i % 2]["store_id"], "signup_date": "2024-01-01"}
            for i in range(40)
        ],
    )  # fmt: skip
    stem = f"{day:%Y-%m-%d}"
    _write_csv(
        root / "pos" / stem / "transactions.csv",
        POS_COLUMNS,
        pos if pos is not None else pos_rows(day),
    )
    hours = [datetime.combine(day, datetime.min.time()) + timedelta(hours=h) for h in range(10, 22)]
    _write_csv(
        root / "pos" / stem / "door_counts.csv",
        ["store_id", "ts", "count"],
        # 15:00 is a counter outage (empty count)
        [{"store_id": s["store_id"], "ts": f"{h:%Y-%m-%d %H:%M:%S}",
          "count": "" if h.hour == 15 else 30 + h.hour}
         for s in STORES for h in hours],
    )  # fmt: skip
    _write_csv(
        root / "pos" / stem / "staffing.csv",
        ["store_id", "ts", "staff_on_duty"],
        [{"store_id": s["store_id"], "ts": f"{h:%Y-%m-%d %H:%M:%S}", "staff_on_duty": 3}
         for s in STORES for h in hours],
    )  # fmt: skip
    _write_csv(
        root / "promotions" / stem / "promotions.csv",
        ["promo_id", "store_id", "date", "category", "discount_pct", "channel"],
        [{"promo_id": "P1", "store_id": "LIM-MIR-01", "date": f"{day + timedelta(days=d):%Y-%m-%d}",
          "category": "bebidas", "discount_pct": "20", "channel": "tienda"} for d in range(3)],
    )  # fmt: skip
    reviews = root / "reviews" / stem / "reviews.jsonl"
    reviews.parent.mkdir(parents=True, exist_ok=True)
    reviews.write_text(
        "\n".join(
            json.dumps(
                {"review_id": f"R{day:%Y%m%d}{i}", "store_id": STORES[i % 2]["store_id"],
                 "customer_id": None, "ts": f"{day:%Y-%m-%d} 13:0{i}:00", "rating": 1 + i % 5,
                 "language": "es", "text": "La atención fue rápida 👍"}, ensure_ascii=False)
            for i in range(5)
        ) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    return root
