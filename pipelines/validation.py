"""The data-quality gate: Great Expectations suites (``expectations/<suite>.json``) run on frames.

A failed suite raises ValidationFailed naming each failed expectation with its numbers, so the
task log says what to fix and nothing downstream runs.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.errors import ValidationFailed
from pipelines.paths import EXPECTATIONS_DIR


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    details: str
    level: str = "batch"  # "row": failing rows are quarantined; "batch": the batch fails
    reason: str | None = None  # what a quarantined row's reason column says
    unexpected_ids: tuple[Any, ...] = ()  # index-column values of failing rows (row level)


@dataclass(frozen=True)
class ValidationReport:
    suite: str
    success: bool
    evaluated: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)

    @property
    def batch_failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(f for f in self.failures if f.level == "batch")

    def raise_for_failures(self, what: str, row_level_too: bool = True) -> None:
        failures = self.failures if row_level_too else self.batch_failures
        if not failures:
            return
        described = "; ".join(
            f"{f.expectation}({f.column or 'table'}): {f.details}" for f in failures
        )
        raise ValidationFailed(
            f"validation of {what} failed {len(failures)} of {self.evaluated} "
            f"expectations in suite {self.suite!r}: {described}"
        )


def load_suite_json(suite: str) -> dict[str, Any]:
    return json.loads((EXPECTATIONS_DIR / f"{suite}.json").read_text(encoding="utf-8"))


def _details(result: dict[str, Any]) -> str:
    if "observed_value" in result:
        return f"observed {result['observed_value']!r}"
    count = result.get("unexpected_count")
    if count is not None:
        total = result.get("element_count")
        sample = result.get("partial_unexpected_list", [])[:3]
        return f"{count} of {total} rows unexpected, e.g. {sample!r}"
    return json.dumps(result, default=str)[:200]


def _unexpected_ids(result: dict[str, Any], index_column: str | None) -> tuple[Any, ...]:
    if index_column is None:
        return ()
    return tuple(item[index_column] for item in result.get("unexpected_index_list") or ())


def validate_frame(
    frame: pd.DataFrame,
    suite: str,
    parameters: dict[str, Any] | None = None,
    index_column: str | None = None,
    docs_dir: Path | None = None,
) -> ValidationReport:
    """Run the suite on ``frame`` in an ephemeral GX context (no network).

    ``parameters`` fill the suite's ``{"$PARAMETER": name}`` values (known store ids, the
    business day's bounds, the volume band). With ``index_column``, row-level failures report
    that column's values for every failing row, so the caller can quarantine exactly those.
    With ``docs_dir``, GX Data Docs (HTML) for this validation are written there.
    """
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction, ValidationAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    actions: list[ValidationAction] = []
    if docs_dir is not None:
        context.add_data_docs_site(
            "nightshift",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        actions.append(UpdateDataDocsAction(name="data_docs", site_names=["nightshift"]))
    expectation_suite = context.suites.add(gx.ExpectationSuite(**load_suite_json(suite)))
    batch_definition = (
        context.data_sources.add_pandas(suite)
        .add_dataframe_asset(suite)
        .add_batch_definition_whole_dataframe(suite)
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite, data=batch_definition, suite=expectation_suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=suite,
            validation_definitions=[definition],
            actions=actions,
            result_format=(
                {"result_format": "COMPLETE", "unexpected_index_column_names": [index_column]}
                if index_column
                else {"result_format": "SUMMARY"}
            ),
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GX warns about its own deprecations on every run
        run = checkpoint.run(
            batch_parameters={"dataframe": frame}, expectation_parameters=parameters or {}
        )
    (result,) = run.run_results.values()

    outcomes = tuple(
        ExpectationOutcome(
            expectation=config.type,
            column=config.kwargs.get("column"),
            success=bool(r.success),
            details=_details(r.result or {}),
            level=(config.meta or {}).get("level", "batch"),
            reason=(config.meta or {}).get("reason"),
            unexpected_ids=_unexpected_ids(r.result or {}, index_column),
        )
        for r in result.results
        if (config := r.expectation_config) is not None
    )
    return ValidationReport(
        suite=suite, success=bool(result.success), evaluated=len(outcomes), outcomes=outcomes
    )
