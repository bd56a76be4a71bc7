"""The data-quality gate: Great Expectations suites (``expectations/<suite>.json``) run on frames.

A failed suite raises ValidationFailed naming each failed expectation with its numbers, so the
task log says what to fix and nothing downstream runs.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ValidationReport:
    suite: str
    success: bool
    evaluated: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)

    def raise_for_failures(self, what: str) -> None:
        if self.success:
            return
        described = "; ".join(
            f"{f.expectation}({f.column or 'table'}): {f.details}" for f in self.failures
        )
        raise ValidationFailed(
            f"validation of {what} failed {len(self.failures)} of {self.evaluated} "
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


def validate_frame(frame: pd.DataFrame, suite: str) -> ValidationReport:
    """Run the suite on ``frame`` in an ephemeral GX context (no files, no network)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    expectation_suite = context.suites.add(gx.ExpectationSuite(**load_suite_json(suite)))
    batch_definition = (
        context.data_sources.add_pandas(f"{suite}_source")
        .add_dataframe_asset(f"{suite}_frame")
        .add_batch_definition_whole_dataframe(f"{suite}_batch")
    )
    definition = gx.ValidationDefinition(
        name=f"{suite}_validation", data=batch_definition, suite=expectation_suite
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GX warns about its own deprecations on every run
        result = definition.run(batch_parameters={"dataframe": frame})

    outcomes = tuple(
        ExpectationOutcome(
            expectation=config.type,
            column=config.kwargs.get("column"),
            success=bool(r.success),
            details=_details(r.result or {}),
        )
        for r in result.results
        if (config := r.expectation_config) is not None
    )
    return ValidationReport(
        suite=suite, success=bool(result.success), evaluated=len(outcomes), outcomes=outcomes
    )
