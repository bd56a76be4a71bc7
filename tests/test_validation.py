from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pandas as pd
import pytest

from pipelines.errors import ValidationFailed
from pipelines.reference.calendar import build_calendar
from pipelines.validation import validate_frame


@pytest.fixture
def calendar_frame() -> pd.DataFrame:
    return pd.DataFrame([asdict(d) for d in build_calendar(date(2026, 1, 1), date(2026, 2, 28))])


def test_a_clean_calendar_passes_every_expectation(calendar_frame: pd.DataFrame) -> None:
    report = validate_frame(calendar_frame, "ref_calendar")
    assert report.success
    assert report.evaluated >= 8 and not report.failures
    report.raise_for_failures("calendar")  # no exception


def test_failures_name_the_expectation_and_the_numbers(calendar_frame: pd.DataFrame) -> None:
    broken = calendar_frame.copy()
    broken.loc[3, "iso_weekday"] = 9
    broken.loc[5, "date"] = broken.loc[4, "date"]
    report = validate_frame(broken, "ref_calendar")
    assert not report.success
    failed = {(f.expectation, f.column) for f in report.failures}
    assert failed == {
        ("expect_column_values_to_be_between", "iso_weekday"),
        ("expect_column_values_to_be_unique", "date"),
    }
    with pytest.raises(ValidationFailed, match=r"iso_weekday\): 1 of 59 rows unexpected"):
        report.raise_for_failures("ref.calendar")


def test_too_few_rows_fail_the_gate(calendar_frame: pd.DataFrame) -> None:
    report = validate_frame(calendar_frame.head(10), "ref_calendar")
    assert [f.expectation for f in report.failures] == ["expect_table_row_count_to_be_between"]
