"""The training tests register stand-in models (a constant forecast) defined in the tests:
the model loader builds only types it trusts, so these tests add theirs to the list."""

from __future__ import annotations

import pytest

from pipelines.training import mlflow_models

TEST_MODEL_TYPES = (
    "tests.training.test_promotion.ConstantModel",
    "tests.training.test_reuse.Constant",
)


@pytest.fixture(autouse=True)
def trust_test_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        mlflow_models, "TRUSTED_TYPES", (*mlflow_models.TRUSTED_TYPES, *TEST_MODEL_TYPES)
    )
