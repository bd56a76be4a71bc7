"""The landed datasets: where each one lives in the landing location and its columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Dataset:
    name: str  # raw.<name>, quarantine.<name>, GX suite expectations/<name>.json
    source: str  # the connector / DAG task group it belongs to
    path: str  # relative to the landing location, without extension; {date} = business date
    columns: tuple[str, ...]
    formats: tuple[str, ...] = ("csv", "parquet")
    # An optional export may be missing on a night (the chain sends it when it changes, or not
    # yet at all): that night loads nothing for it and the last published rows stay in use.
    optional: bool = False

    def stem(self, business_date: date) -> str:
        return self.path.format(date=business_date.isoformat())


POS_LINES = Dataset(
    "pos_lines",
    "pos",
    "pos/{date}/transactions",
    ("ticket_id", "line_id", "store_id", "ts", "customer_id", "category", "product",
     "quantity", "unit_price", "discount", "payment_type", "amount"),
)  # fmt: skip
DOOR_COUNTS = Dataset("door_counts", "pos", "pos/{date}/door_counts", ("store_id", "ts", "count"))
STAFFING = Dataset("staffing", "pos", "pos/{date}/staffing", ("store_id", "ts", "staff_on_duty"))
PROMOTIONS = Dataset(
    "promotions",
    "pos",
    "promotions/{date}/promotions",
    ("promo_id", "store_id", "date", "category", "discount_pct", "channel"),
)
# The catalogue's unit costs as valid on the date: what the chain pays per unit of a product,
# so promotions can be ranked by the margin they add, net of the discount given away.
PRODUCT_COSTS = Dataset(
    "product_costs",
    "pos",
    "pos/{date}/product_costs",
    ("product", "category", "unit_cost"),
    optional=True,
)
REVIEWS = Dataset(
    "reviews",
    "reviews",
    "reviews/{date}/reviews",
    ("review_id", "store_id", "customer_id", "ts", "rating", "language", "text"),
    formats=("jsonl",),
)
WEATHER = Dataset(
    "weather",
    "weather",
    "weather/{date}/open-meteo",
    ("kind", "city", "latitude", "longitude", "ts", "temperature_2m", "precipitation",
     "relative_humidity_2m"),
    formats=("json",),
)  # fmt: skip

BY_SOURCE: dict[str, tuple[Dataset, ...]] = {
    "pos": (POS_LINES, DOOR_COUNTS, STAFFING, PROMOTIONS, PRODUCT_COSTS),
    "reviews": (REVIEWS,),
    "weather": (WEATHER,),
}
ALL = tuple(d for group in BY_SOURCE.values() for d in group)
BY_NAME = {d.name: d for d in ALL}
