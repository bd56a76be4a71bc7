"""What scoring code relies on from the sentiment model: sensible classes on clear reviews,
valid probabilities in input order, an exact save/load round trip, seeds and warm starts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from models.loyalty.labels import NEGATIVE, NEUTRAL, POSITIVE
from models.loyalty.sentiment import SentimentModel, fine_tune
from models.loyalty.sentiment_config import SentimentConfig
from tests.loyalty.conftest import TOY
from tests.loyalty.synthetic import labelled_reviews

CLEARLY_NEGATIVE = "Pésimo servicio, esperé 40 minutos y nadie me atendió"
CLEARLY_POSITIVE = "Excelente atención, todo delicioso y muy rápido. Volveré pronto."
MIXED_BAG = [
    CLEARLY_NEGATIVE,
    "ok",
    CLEARLY_POSITIVE,
    "Regular, ni bueno ni malo. La atención fue normal y el precio razonable, nada especial.",
    "Terrible!!! Rude staff 😡",
]


def test_clear_reviews_get_their_class(toy_model: SentimentModel) -> None:
    predicted = toy_model.predict([CLEARLY_NEGATIVE, CLEARLY_POSITIVE])
    assert predicted.tolist() == [NEGATIVE, POSITIVE]


def test_probabilities_are_valid_and_follow_the_input_order(toy_model: SentimentModel) -> None:
    proba = toy_model.predict_proba(MIXED_BAG, batch_size=2)
    assert proba.shape == (len(MIXED_BAG), 3)
    assert (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    # Scoring sorts by length internally; rows must still come back in the caller's order.
    reversed_proba = toy_model.predict_proba(MIXED_BAG[::-1], batch_size=3)
    np.testing.assert_allclose(reversed_proba[::-1], proba, atol=1e-5)
    assert toy_model.predict_proba([]).shape == (0, 3)


def test_save_and_load_give_identical_probabilities(
    toy_model: SentimentModel, tmp_path: Path
) -> None:
    toy_model.save(tmp_path / "champion")
    loaded = SentimentModel.load(tmp_path / "champion")
    assert loaded.config == toy_model.config
    assert loaded.report == toy_model.report
    np.testing.assert_array_equal(
        loaded.predict_proba(MIXED_BAG), toy_model.predict_proba(MIXED_BAG)
    )


def test_pickled_weights_are_refused(toy_model: SentimentModel, tmp_path: Path) -> None:
    """A directory read back from the registry loads safetensors only: a pytorch_model.bin is
    a pickle, and loading it could run whatever code was planted in it."""
    import torch

    directory = toy_model.save(tmp_path / "champion")
    assert (directory / "model.safetensors").is_file()
    (directory / "model.safetensors").unlink()
    torch.save(toy_model.model.state_dict(), directory / "pytorch_model.bin")
    with pytest.raises(OSError, match="safetensors"):
        SentimentModel.load(directory)


def test_loading_a_directory_without_metadata_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SentimentModel.load(tmp_path)


def test_same_seed_gives_the_same_model_and_the_cap_is_respected() -> None:
    texts, labels = labelled_reviews(per_class=8, seed=5)
    config = dataclasses.replace(TOY, epochs=1, max_train_examples=16)
    first, second = fine_tune(texts, labels, config), fine_tune(texts, labels, config)
    assert first.report is not None and first.report.examples == 16
    assert first.report.steps == 1
    np.testing.assert_array_equal(first.predict_proba(MIXED_BAG), second.predict_proba(MIXED_BAG))


def test_warm_start_continues_from_the_saved_champion(
    toy_model: SentimentModel, tmp_path: Path
) -> None:
    champion_dir = toy_model.save(tmp_path / "champion")
    texts, labels = labelled_reviews(per_class=4, seed=9)
    # A learning rate too small to move the weights: the result is the champion itself,
    # which a fresh head on the plain encoder could never match.
    barely = dataclasses.replace(TOY, epochs=1, learning_rate=1e-12)
    warm = fine_tune(texts, labels, barely, init_from=champion_dir)
    assert warm.report is not None and warm.report.warm_start
    np.testing.assert_allclose(
        warm.predict_proba(MIXED_BAG), toy_model.predict_proba(MIXED_BAG), atol=1e-4
    )


def test_settings_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="max_length"):
        SentimentConfig(max_length=4)
    with pytest.raises(ValueError, match="device"):
        SentimentConfig(device="tpu")  # type: ignore[arg-type]


def test_labels_outside_the_three_classes_are_refused() -> None:
    with pytest.raises(ValueError, match="labels"):
        fine_tune(["bien", "mal"], [POSITIVE, 3], TOY)
    with pytest.raises(ValueError, match="as many labels"):
        fine_tune(["bien", "mal"], [NEUTRAL], TOY)
