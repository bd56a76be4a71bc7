"""Read the simulator's landing files into the frames the loyalty models take.

For evaluation scripts and tests; in production the same columns come from the warehouse.
Meant for clean simulations, but survives injected defects: rows that do not parse (truncated
lines, bad timestamps, ratings out of range) are dropped rather than failing the whole read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

REVIEW_COLUMNS = ("review_id", "store_id", "customer_id", "ts", "rating", "language", "text")
TICKET_COLUMNS = ("ticket_id", "store_id", "customer_id", "ts", "amount")


def load_reviews(landing: str | Path) -> pd.DataFrame:
    """All ``reviews/<date>/reviews.jsonl`` rows, sorted by ts, ratings 1..5 only."""
    rows = []
    for path in sorted(Path(landing).glob("reviews/*/reviews.jsonl")):
        for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:  # a truncated last line
                continue
    reviews = pd.DataFrame(rows).reindex(columns=list(REVIEW_COLUMNS))
    reviews["ts"] = pd.to_datetime(reviews["ts"], errors="coerce")
    reviews["rating"] = pd.to_numeric(reviews["rating"], errors="coerce")
    usable = reviews["ts"].notna() & reviews["rating"].between(1, 5) & reviews["text"].notna()
    reviews = reviews[usable].astype({"rating": "int64", "text": "str"})
    return reviews.sort_values("ts", kind="stable").reset_index(drop=True)


def tickets_from_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per ticket (= one visit): its store, time, customer and total amount."""
    lines = lines.assign(
        ts=pd.to_datetime(lines["ts"], errors="coerce"),
        amount=pd.to_numeric(lines["amount"], errors="coerce"),
    )
    lines = lines[lines["ts"].notna() & lines["ticket_id"].notna()]
    tickets = lines.groupby("ticket_id", sort=False).agg(
        store_id=("store_id", "first"),
        customer_id=("customer_id", "first"),
        ts=("ts", "first"),
        amount=("amount", "sum"),
    )
    return tickets.reset_index()[list(TICKET_COLUMNS)]


def load_tickets(landing: str | Path, members_only: bool = True) -> pd.DataFrame:
    """Tickets from every ``pos/<date>/transactions.csv``; by default only loyalty members'."""
    files = sorted(Path(landing).glob("pos/*/transactions.csv"))
    usecols = ["ticket_id", "store_id", "ts", "customer_id", "amount"]
    frames = [
        pd.read_csv(
            f,
            usecols=usecols,
            dtype={"customer_id": "str", "ticket_id": "str"},
            on_bad_lines="skip",
            encoding_errors="replace",
        )
        for f in files
        if f.stat().st_size
    ]
    if not frames:
        return pd.DataFrame(columns=list(TICKET_COLUMNS))
    lines = pd.concat(frames, ignore_index=True)
    if members_only:
        lines = lines[lines["customer_id"].notna() & (lines["customer_id"] != "")]
    return tickets_from_lines(lines).sort_values("ts", kind="stable").reset_index(drop=True)
