"""The store master: which stores exist, where, their format, hours and hidden traits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pipelines.simulator.formats import PROFILES, open_hours_mask, opening_hours_for
from pipelines.simulator.names import FIRST_NAMES, SURNAMES, ascii_slug

TIMEZONE = "America/Lima"

# (city, city code, district, district code, format, latitude, longitude, size range sqm)
# The first three cover every format in Lima, so even tiny simulations show all shapes.
TEMPLATES: tuple[tuple[str, str, str, str, str, float, float, tuple[int, int]], ...] = (
    ("Lima", "LIM", "Miraflores", "MIR", "mall", -12.1318, -77.0301, (450, 900)),
    ("Lima", "LIM", "San Isidro", "ISI", "street", -12.0977, -77.0365, (150, 350)),
    ("Lima", "LIM", "Barranco", "BAR", "restaurant", -12.1490, -77.0219, (180, 320)),
    ("Lima", "LIM", "Santiago de Surco", "SUR", "street", -12.1450, -76.9917, (150, 350)),
    ("Lima", "LIM", "San Miguel", "SMI", "mall", -12.0776, -77.0839, (450, 900)),
    ("Lima", "LIM", "La Molina", "MOL", "street", -12.0845, -76.9400, (150, 350)),
    ("Lima", "LIM", "Jesús María", "JMA", "restaurant", -12.0760, -77.0430, (180, 320)),
    ("Lima", "LIM", "Los Olivos", "OLI", "mall", -11.9917, -77.0613, (450, 900)),
    ("Arequipa", "AQP", "Cercado", "CER", "street", -16.3989, -71.5370, (150, 350)),
    ("Cusco", "CUS", "Centro Histórico", "CEN", "restaurant", -13.5170, -71.9785, (180, 320)),
    ("Trujillo", "TRU", "Centro", "CEN", "mall", -8.1116, -79.0288, (450, 900)),
    ("Piura", "PIU", "Centro", "CEN", "street", -5.1945, -80.6328, (150, 350)),
    ("Lima", "LIM", "San Borja", "SBO", "restaurant", -12.1000, -77.0000, (180, 320)),
    ("Lima", "LIM", "Magdalena del Mar", "MAG", "street", -12.0910, -77.0690, (150, 350)),
    ("Arequipa", "AQP", "Yanahuara", "YAN", "restaurant", -16.3890, -71.5450, (180, 320)),
    ("Cusco", "CUS", "Wanchaq", "WAN", "street", -13.5290, -71.9640, (150, 350)),
    ("Lima", "LIM", "Lince", "LIN", "street", -12.0840, -77.0350, (150, 350)),
    ("Piura", "PIU", "Castilla", "CAS", "mall", -5.1960, -80.6180, (450, 900)),
    ("Trujillo", "TRU", "Víctor Larco Herrera", "VLH", "restaurant", -8.1330, -79.0440, (180, 320)),
    ("Lima", "LIM", "Pueblo Libre", "PLI", "restaurant", -12.0750, -77.0630, (180, 320)),
)
BRAND = {"mall": "NS Market", "street": "NS Express", "restaurant": "NS Cocina"}
# Review aspects a store can be weak at (drives the complaint themes of its reviews).
WEAKNESSES = ("precio", "limpieza", "producto", "atencion")


def opens_during_range(index: int) -> bool:
    """Every fourth store from the fourth on is new: it opens inside the simulated range."""
    return index >= 3 and index % 4 == 3


@dataclass(frozen=True)
class Stores:
    """Store master rows plus hidden traits that drive the simulation (never written)."""

    table: pd.DataFrame  # the stores.csv columns, in order
    ids: np.ndarray  # object array of store_id
    opening_hours: list[dict[str, dict[str, str]]]
    opened_on: np.ndarray  # datetime64[D] per store
    city: np.ndarray  # object array
    format_index: np.ndarray  # index into FORMATS-ordered profiles
    formats: np.ndarray  # object array of format names
    size_factor: np.ndarray  # traffic multiplier from floor space
    annual_trend: np.ndarray  # yearly growth rate of traffic
    price_index: np.ndarray  # price level relative to list prices
    quality: np.ndarray  # latent product/experience quality (about -1..1)
    weakness: np.ndarray  # object array: the aspect customers complain about most
    chronic_understaffing: np.ndarray  # 1.0 = staffed as planned; >1 = planned too lean

    def __len__(self) -> int:
        return len(self.table)

    def open_mask(self, day: date) -> np.ndarray:
        """(stores, 24) bool: open in that hour of that calendar day, and already opened."""
        weekday = day.isoweekday()
        mask = np.stack([open_hours_mask(hours, weekday) for hours in self.opening_hours])
        mask &= (self.opened_on <= np.datetime64(day))[:, None]
        return mask


def build_stores(count: int, start: date, end: date, rng: np.random.Generator) -> Stores:
    """``count`` stores, cycling the templates (a second Miraflores mall is LIM-MIR-02)."""
    rows: list[dict] = []
    hours: list[dict[str, dict[str, str]]] = []
    seen: dict[tuple[str, str], int] = {}
    span = max((end - start).days, 1)
    for index in range(count):
        city, city_code, district, district_code, fmt, lat, lon, size = TEMPLATES[
            index % len(TEMPLATES)
        ]
        key = (city_code, district_code)
        seen[key] = seen.get(key, 0) + 1
        number = seen[key]
        if number > 1:  # another branch a few blocks away
            lat += float(rng.normal(0, 0.01))
            lon += float(rng.normal(0, 0.01))
        if opens_during_range(index):
            offset = int(rng.integers(int(span * 0.1), int(span * 0.6) + 1))
            opened = start + timedelta(days=offset)
        else:
            opened = start - timedelta(days=int(rng.integers(200, 3000)))
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        rows.append(
            {
                "store_id": f"{city_code}-{district_code}-{number:02d}",
                "name": f"{BRAND[fmt]} {district}" + (f" {number}" if number > 1 else ""),
                "city": city,
                "district": district,
                "format": fmt,
                "latitude": round(lat, 5),
                "longitude": round(lon, 5),
                "timezone": TIMEZONE,
                "opening_hours": "",
                "manager_name": f"{first} {last}",
                "manager_email": f"{ascii_slug(first)}.{ascii_slug(last)}{index + 1}@nightshift.pe",
                "size_sqm": int(rng.integers(size[0], size[1] + 1)),
                "opened_on": opened.isoformat(),
            }
        )
        store_hours = opening_hours_for(fmt, rng)
        rows[-1]["opening_hours"] = json.dumps(store_hours, sort_keys=True)
        hours.append(store_hours)

    table = pd.DataFrame(rows)
    n = len(table)
    formats = table["format"].to_numpy(dtype=object)
    size_mid = np.array([np.mean(TEMPLATES[i % len(TEMPLATES)][7]) for i in range(n)], dtype=float)
    # Lima's wealthier districts pay more; the provinces a bit less.
    pricey = table["district"].isin(["San Isidro", "Miraflores", "La Molina", "Barranco"])
    return Stores(
        table=table,
        ids=table["store_id"].to_numpy(dtype=object),
        opening_hours=hours,
        opened_on=table["opened_on"].to_numpy(dtype="datetime64[D]"),
        city=table["city"].to_numpy(dtype=object),
        format_index=np.array([list(PROFILES).index(f) for f in formats]),
        formats=formats,
        size_factor=(table["size_sqm"].to_numpy(dtype=float) / size_mid) ** 0.6,
        annual_trend=rng.normal(0.04, 0.08, n),
        price_index=np.where(pricey, 1.08, np.where(table["city"] == "Lima", 1.0, 0.95))
        * rng.normal(1.0, 0.03, n),
        quality=np.clip(rng.normal(0.0, 0.45, n), -1.0, 1.0),
        weakness=rng.choice(np.array(WEAKNESSES, dtype=object), n),
        chronic_understaffing=np.where(rng.random(n) < 0.25, rng.uniform(1.3, 1.6, n), 1.0),
    )
