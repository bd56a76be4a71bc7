"""The night's Evidently reports: input drift, prediction drift and performance per model.

Every statistic comes from Evidently (0.7): ``DataDriftPreset`` with the normed Wasserstein
distance for numbers and the Jensen-Shannon distance for categories, every night whatever the
sample size (Evidently would switch to K-S and chi-square p-values below 1,000 reference rows, and
a dashboard line mixing p-values and distances compares nothing), and its per-column drift test
(threshold 0.1) says whether the column drifted. Performance uses ``RegressionPreset``
(traffic, sales) and ``ClassificationPreset`` (sentiment: multiclass; churn: binary with the
probability). Each report is a snapshot stamped with the business date (the dashboards' time
axis) and an HTML file.

The HTML files of a night share one copy of Evidently's 3.5 MB JavaScript bundle
(``evidently-<version>.js`` in the same folder) instead of embedding it in each file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.monitoring.evidently_compat import evidently
from pipelines.monitoring.frames import Inputs
from pipelines.monitoring.performance import CHURN, SALES, SENTIMENT, TRAFFIC, Scored

# Evidently's drift methods whose score is a p-value (drifted when below the threshold); the
# others score a distance (drifted at or above it).
P_VALUE_METHODS = {
    "K-S p_value",
    "chi-square p_value",
    "Z-test p_value",
    "Fisher's Exact test",
    "Mann-Whitney U-rank test",
    "t_test",
    "Anderson-Darling",
    "Cramer-von Mises",
    "Epps-Singleton",
    "g_test",
}
NUM_METHOD, CAT_METHOD = "wasserstein", "jensenshannon"
KIND_TAGS = {
    "data": "data_drift",
    "prediction": "prediction_drift",
    "performance": "performance",
    "figures": "figures",
}


@dataclass(frozen=True)
class ColumnDrift:
    """One column's verdict, as Evidently's drift test gave it."""

    column: str
    method: str
    score: float
    threshold: float
    drifted: bool

    @property
    def p_value(self) -> float | None:
        return self.score if self.method in P_VALUE_METHODS else None


def night_timestamp(day: date) -> datetime:
    """Where a night's snapshots sit on the dashboards' time axis: its business date."""
    return datetime.combine(day, time.min)


def _definition(columns: dict[str, str], **tasks: Any) -> Any:
    ev = evidently()
    return ev.DataDefinition(
        numerical_columns=[c for c, kind in columns.items() if kind == "numerical"],
        categorical_columns=[c for c, kind in columns.items() if kind == "categorical"],
        **tasks,
    )


def _dataset(frame: pd.DataFrame, definition: Any) -> Any:
    return evidently().Dataset.from_pandas(frame, data_definition=definition)


def _metadata(day: date, model_name: str, version: str | None, run_id: str) -> dict[str, str]:
    return {
        "business_date": day.isoformat(),
        "model_name": model_name,
        "model_version": version or "",
        "run_id": run_id,
    }


def comparable(inputs: Inputs) -> tuple[list[str], list[str], list[str]]:
    """(columns to compare, constant columns, empty columns). A column holding one value on both
    sides (no rain all month, no promotion) did not drift and has no distribution to compare
    (Evidently cannot bin it); one empty on either side cannot be judged."""
    kept: list[str] = []
    constant: list[str] = []
    empty: list[str] = []
    for column, kind in inputs.columns.items():
        reference, current = inputs.reference[column], inputs.current[column]
        if not (reference.notna().any() and current.notna().any()):
            empty.append(column)
            continue
        values = pd.concat([reference, current]).dropna()
        if kind == "numerical":
            # Equal up to float noise (a mean summed in another order) is one value too.
            span = float(values.max() - values.min())
            varies = span > 1e-9 * max(1.0, abs(float(values.max())))
        else:
            varies = values.nunique() > 1
        (kept if varies else constant).append(column)
    return kept, constant, empty


def drift_report(
    inputs: Inputs, day: date, version: str | None, run_id: str, columns: list[str]
) -> tuple[Any, list[ColumnDrift]]:
    """The drift snapshot of ``columns`` of ``inputs`` and each column's verdict."""
    evidently()
    from evidently.presets import DataDriftPreset

    definition = _definition({c: inputs.columns[c] for c in columns})
    report = evidently().Report(
        [DataDriftPreset(columns=columns, num_method=NUM_METHOD, cat_method=CAT_METHOD)],
        include_tests=True,
        tags=[KIND_TAGS[inputs.kind]],
        metadata=_metadata(day, inputs.model_name, version, run_id) | {"kind": inputs.kind},
    )
    snapshot = report.run(
        _dataset(inputs.current[columns], definition),
        _dataset(inputs.reference[columns], definition),
        timestamp=night_timestamp(day),
        name=f"{inputs.model_name} {inputs.kind} drift {day.isoformat()}",
    )
    return snapshot, column_drift(snapshot.dict())


def column_drift(result: dict[str, Any]) -> list[ColumnDrift]:
    """Per-column verdicts from a drift snapshot's results (``Snapshot.dict()``)."""
    scores = {m["id"]: m["value"] for m in result["metrics"]}
    found = []
    for test in result["tests"]:
        params = test["metric_config"]["params"]
        if not params["type"].endswith(":ValueDrift"):
            continue
        found.append(
            ColumnDrift(
                column=params["column"],
                method=params["method"],
                score=float(scores[test["metric_config"]["metric_id"]]),
                threshold=float(params["threshold"]),
                drifted=test["status"] == "FAIL",
            )
        )
    return found


def performance_report(scored: Scored, day: date, version: str | None, run_id: str) -> Any:
    """Evidently's regression or classification preset on the rows the model was scored on."""
    ev = evidently()
    frame, preset, definition = _performance_frame(scored, ev)
    report = ev.Report(
        [preset],
        tags=[KIND_TAGS["performance"]],
        metadata=_metadata(day, scored.model_name, version, run_id) | {"kind": "performance"},
    )
    return report.run(
        _dataset(frame, definition),
        None,
        timestamp=night_timestamp(day),
        name=f"{scored.model_name} performance {day.isoformat()}",
    )


def _performance_frame(scored: Scored, ev: Any) -> tuple[pd.DataFrame, Any, Any]:
    from evidently.presets import ClassificationPreset, RegressionPreset

    rows = scored.frame
    if scored.model_name in (TRAFFIC, SALES):
        prediction = "p50" if scored.model_name == TRAFFIC else "forecast"
        frame = pd.DataFrame(
            {"actual": rows["actual"].astype(float), "prediction": rows[prediction].astype(float)}
        )
        definition = _definition(
            {"actual": "numerical", "prediction": "numerical"},
            regression=[ev.Regression(target="actual", prediction="prediction")],
        )
        return frame, RegressionPreset(), definition
    if scored.model_name == SENTIMENT:
        from models.loyalty.labels import CLASS_NAMES, ratings_to_labels

        frame = pd.DataFrame(
            {
                "target": [CLASS_NAMES[i] for i in ratings_to_labels(rows["rating"])],
                "prediction": rows["predicted"].astype(str),
            }
        )
        definition = _definition(
            {"target": "categorical", "prediction": "categorical"},
            classification=[
                ev.MulticlassClassification(target="target", prediction_labels="prediction")
            ],
        )
        return frame, ClassificationPreset(), definition
    if scored.model_name == CHURN:
        frame = pd.DataFrame(
            {
                "returned": rows["returned"].astype(int),
                "p_return": rows["p_return_30d"].astype(float),
            }
        )
        definition = _definition(
            {"returned": "categorical", "p_return": "numerical"},
            classification=[
                ev.BinaryClassification(target="returned", prediction_probas="p_return")
            ],
        )
        return frame, ClassificationPreset(), definition
    raise ValueError(f"no performance report for {scored.model_name}")


@cache
def _bundle() -> tuple[str, str]:
    """(Evidently's script bundle, the file name a night's folder keeps it under)."""
    import evidently as module

    bundle = Path(module.__file__).parent / "nbextension" / "static" / "index.js"
    return bundle.read_text(encoding="utf-8"), f"evidently-{module.__version__}.js"


def save_html(snapshot: Any, path: Path) -> Path:
    """Write ``snapshot`` as HTML next to one shared copy of Evidently's script bundle."""
    path.parent.mkdir(parents=True, exist_ok=True)
    script, name = _bundle()
    shared = path.parent / name
    if not shared.exists():
        shared.write_text(script, encoding="utf-8")
    html = snapshot.get_html_str(as_iframe=False)
    inline = f"<script>{script}</script>"
    if inline in html:  # else: Evidently changed its template; keep the self-contained page
        html = html.replace(inline, f'<script src="{shared.name}"></script>', 1)
    path.write_text(html, encoding="utf-8")
    return path


def summary(snapshot: Any) -> dict[str, Any]:
    """The snapshot's metric values by metric name (for logs and tests)."""
    result = snapshot.dict()
    return {m["metric_name"]: m["value"] for m in result["metrics"]}


def figures_report(
    model_name: str, values: dict[str, float], day: date, version: str | None, run_id: str
) -> Any:
    """The night's warehouse figures (chain, judged window) as a one-row Evidently report, so
    the model's dashboard shows them across nights next to Evidently's own metrics."""
    ev = evidently()
    from evidently.metrics import MeanValue

    columns = {name: "numerical" for name in values}
    report = ev.Report(
        [MeanValue(column=name) for name in values],
        tags=[KIND_TAGS["figures"]],
        metadata=_metadata(day, model_name, version, run_id) | {"kind": "figures"},
    )
    frame = pd.DataFrame([values], columns=list(values))
    return report.run(
        _dataset(frame, _definition(columns)),
        None,
        timestamp=night_timestamp(day),
        name=f"{model_name} figures {day.isoformat()}",
    )
