"""Hand-made data for the loyalty tests: short labelled reviews and a ticket history with
regulars, customers who complained and stopped coming, and customers who drifted away."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pandas as pd

# (negative, neutral, positive) sentences in Spanish and English.
_OPENERS = (
    ["Pésimo.", "Qué decepción.", "Muy mala experiencia.", "Terrible.", "Awful.", "Never again."],
    ["Regular.", "Normal nomás.", "Ni bueno ni malo.", "Más o menos.", "It was ok.", "Average."],
    ["Excelente.", "Me encantó.", "Todo muy bien.", "Buenazo.", "Great place.", "Loved it."],
)
_DETAILS = (
    [
        "Esperé {n} minutos y nadie me atendió.",
        "El personal fue grosero.",
        "Todo sucio y caro.",
        "We waited {n} minutes, nobody came.",
        "Rude staff and dirty tables.",
    ],
    [
        "La atención fue normal.",
        "Precio razonable, nada especial.",
        "Esperé un poco, pero bien.",
        "Service was fine, nothing special.",
        "Food was okay.",
    ],
    [
        "La atención fue rápida y amable.",
        "Todo fresco y delicioso.",
        "Precios justos, volveré pronto.",
        "Fast and friendly service.",
        "Delicious food, will come back.",
    ],
)


def labelled_reviews(per_class: int, seed: int) -> tuple[list[str], list[int]]:
    """``per_class`` reviews of each class (0 negative, 1 neutral, 2 positive), shuffled."""
    rng = random.Random(seed)
    rows = []
    for label in range(3):
        for _ in range(per_class):
            detail = rng.choice(_DETAILS[label]).replace("{n}", str(rng.choice([20, 30, 45])))
            rows.append((f"{rng.choice(_OPENERS[label])} {detail}", label))
    rng.shuffle(rows)
    return [text for text, _ in rows], [label for _, label in rows]


def ticket_history(
    customers: int, start: date, days: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tickets, reviews): each customer visits every few days (irregularly); 30% leave for
    good after a 1-star review, 20% drift away silently, the rest keep coming and leave 5-star
    reviews now and then."""
    rng = np.random.default_rng(seed)
    tickets: list[tuple[str, str, pd.Timestamp, float]] = []
    reviews: list[tuple[str, pd.Timestamp, int, str]] = []
    for i in range(customers):
        customer = f"C{i:04d}"
        gap = rng.uniform(3, 15)
        fate = rng.random()
        leaves_after = rng.integers(10, days) if fate < 0.5 else days + 1
        day = float(rng.uniform(0, gap))
        while day < days:
            ts = pd.Timestamp(start + timedelta(days=int(day))) + pd.Timedelta(hours=12)
            tickets.append((f"T{len(tickets):06d}", customer, ts, round(rng.uniform(5, 60), 2)))
            if day >= leaves_after:
                if fate < 0.3:  # the last visit: a complaint, then gone
                    reviews.append((customer, ts, 1, "Pésimo servicio, no vuelvo."))
                break
            if rng.random() < 0.1:
                reviews.append((customer, ts, 5, "Excelente, como siempre."))
            day += rng.lognormal(np.log(gap), 0.5)
    return (
        pd.DataFrame(tickets, columns=["ticket_id", "customer_id", "ts", "amount"]),
        pd.DataFrame(reviews, columns=["customer_id", "ts", "rating", "text"]),
    )
