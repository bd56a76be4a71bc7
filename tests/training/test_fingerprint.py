"""The training fingerprint follows the model's code: a change to the source that builds a
model (or to the device kind a torch model trains on) makes the next night retrain."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
import torch

from pipelines.paths import REPO_ROOT
from pipelines.training.fingerprint import MODEL_CODE, code_fingerprint, source_files

MODELS = sorted(MODEL_CODE)


def _copy_sources(root: Path) -> None:
    for code in MODEL_CODE.values():
        for relative in code.sources:
            for path in source_files(relative):
                target = root / path.relative_to(REPO_ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def _fingerprints(root: Path) -> dict[str, str]:
    return {name: code_fingerprint(name, "cpu", root) for name in MODELS}


def test_a_change_to_a_models_code_changes_its_fingerprint_only(tmp_path: Path) -> None:
    _copy_sources(tmp_path)
    before = _fingerprints(tmp_path)
    assert before == _fingerprints(REPO_ROOT)  # content decides, not where the checkout is

    def touched(relative: str) -> set[str]:
        path = tmp_path / relative
        previous = _fingerprints(tmp_path)
        path.write_text(path.read_text() + "\n-- or # a change\n")
        now = _fingerprints(tmp_path)
        return {name for name in MODELS if now[name] != previous[name]}

    assert touched("models/sales/forest.py") == {"sales_rf"}
    assert touched("models/traffic/network.py") == {"traffic_rnn"}
    assert touched("pipelines/training/traffic.py") == {"traffic_rnn"}  # data assembly
    assert touched("sql/training/sales_daily.sql") == {"sales_rf"}  # the training query
    assert touched("pipelines/training/churn.py") == {"customer_churn"}
    assert touched("models/loyalty/sentiment.py") >= {"review_sentiment"}
    assert touched("models/common/arrays.py") == set(MODELS)
    assert touched("pipelines/training/mlflow_models.py") == set(MODELS)  # the saved format


def test_torch_models_fingerprint_the_device_kind() -> None:
    for name in ("traffic_rnn", "review_sentiment"):
        assert code_fingerprint(name, "cpu") != code_fingerprint(name, "cuda")
        here = "cuda" if torch.cuda.is_available() else "cpu"
        assert code_fingerprint(name, "auto") == code_fingerprint(name, here)
    # Trees give the same model on any device.
    for name in ("sales_rf", "customer_churn"):
        assert code_fingerprint(name, "cpu") == code_fingerprint(name, "cuda")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "models"}


def _module_file(module: str) -> Path:
    path = REPO_ROOT / Path(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


@pytest.mark.parametrize("name", MODELS)
def test_the_listed_sources_cover_every_model_module_the_training_imports(name: str) -> None:
    """A model module the training reads (directly or through other model modules) but the
    list leaves out would let a change to it go unnoticed."""
    code = MODEL_CODE[name]
    covered = {path for relative in code.sources for path in source_files(relative)}
    (training,) = [
        REPO_ROOT / s for s in code.sources
        if s.startswith("pipelines/training/") and not s.endswith("mlflow_models.py")
    ]  # fmt: skip
    seen: set[Path] = set()
    todo = [training]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(_module_file(module) for module in _imports(path))
    missing = sorted(str(p.relative_to(REPO_ROOT)) for p in seen - covered)
    assert not missing, f"{name}: sources not fingerprinted: {missing}"
