"""A toy sentiment model fine-tuned once for the whole area: 48 short reviews, 9 steps."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from models.loyalty.sentiment_config import SentimentConfig
from tests.loyalty.synthetic import labelled_reviews

if TYPE_CHECKING:  # torch loads only when a test needs the model
    from models.loyalty.sentiment import SentimentModel

# The bundled encoder is a local directory; make sure nothing tries to reach the hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

TOY = SentimentConfig(
    max_length=32,
    epochs=3,
    batch_size=16,
    learning_rate=3e-4,
    seed=3,
    device="cpu",
    max_train_examples=None,
)


@pytest.fixture(scope="session")
def toy_model() -> SentimentModel:
    from models.loyalty.sentiment import fine_tune

    texts, labels = labelled_reviews(per_class=16, seed=11)
    return fine_tune(texts, labels, TOY)
