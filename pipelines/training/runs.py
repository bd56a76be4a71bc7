"""What every nightly training run shares: an MLflow run tagged with the model, the business
date and the fingerprint of its training data (see ``reuse``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipelines.training.reuse import FINGERPRINT_TAG
from pipelines.window import RunWindow


@contextmanager
def training_run(model_name: str, window: RunWindow, fingerprint: str, full: bool) -> Iterator[Any]:
    import mlflow

    with mlflow.start_run(run_name=f"{model_name}-{window.business_date}") as run:
        mlflow.set_tags(
            {
                "nightshift.model": model_name,
                "nightshift.business_date": window.business_date.isoformat(),
                "nightshift.training": "full" if full else "nightly",
                FINGERPRINT_TAG: fingerprint,
            }
        )
        yield run


def plot_confusion(confusion: Any, labels: list[str], path: str, title: str) -> None:
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(4.5, 4))
    axis.imshow(confusion, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels)
    axis.set_yticks(range(len(labels)), labels)
    axis.set_xlabel("predicted")
    axis.set_ylabel("actual (from the rating)")
    for (row, column), value in np.ndenumerate(confusion):
        axis.text(column, row, str(int(value)), ha="center", va="center")
    axis.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
