"""Two complete 30-night backfills, nights side by side, give bit-identical output tables.

Each backfill runs on a stack of its own, from scratch: a fresh warehouse with the same
loaded history, a fresh MLflow store (so every model is trained, not reused from the other
run), the real scheduler with up to three nights at once and the weekly retrain cadence. Every
output table must come out byte for byte the same, the loyalty churn scores and rewards
included. What made them differ before: the order in which side-by-side nights trained, scored
reviews and published promotions, and random customer keys.

The most expensive test of the suite (two times 30 nights): marked ``faults`` (run by
``make test-faults``) as well as ``slow``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.orchestration.harness import CORE_TABLES, RUN_TABLES, Stack, business, running_stack
from tests.orchestration.harness import simulate as simulate_landing

FIRST_DAY = date(2026, 9, 5)
NIGHTS = 30
FIRST_NIGHT = date(2026, 11, 20)  # logical dates; history ends the day before its business date
LAST_NIGHT = FIRST_NIGHT + timedelta(days=NIGHTS - 1)
# Same secret in both runs: the same members get the same pseudonymous keys.
STACK_ENV = {"NIGHTSHIFT_CUSTOMER_KEY_SECRET": "reproducible-backfill-test"}
# Whole tables that are not keyed by one date.
WHOLE_TABLES = {
    "core.promotions": "*",
    "loyalty.customer_keys": "*",
    # Everything but the MLflow run ids and the time the decision was written.
    "ops.model_promotions": (
        "business_date, model_name, challenger_version, champion_version, metric,"
        " higher_is_better, challenger_score, champion_score, margin, promoted, reason"
    ),
    "ops.loads": "business_date, source, checksum, rows_read, rows_loaded, rows_quarantined,"
    " rows_published",
}

pytestmark = [pytest.mark.slow, pytest.mark.faults, pytest.mark.timeout(3 * 3600)]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One simulation for both runs."""
    folder = tmp_path_factory.mktemp("landing")
    return simulate_landing(folder, FIRST_DAY, business(LAST_NIGHT) + timedelta(days=1))


def _backfill_outputs(landing: Path) -> dict[tuple[str, object], str]:
    with running_stack(
        "local",
        history=(FIRST_DAY, business(FIRST_NIGHT) - timedelta(days=1)),
        simulated_until=business(LAST_NIGHT) + timedelta(days=1),
        landing=landing,
        extra_env=STACK_ENV,
    ) as stack:
        output = stack.backfill(FIRST_NIGHT, LAST_NIGHT)
        nights = [FIRST_NIGHT + timedelta(days=i) for i in range(NIGHTS)]
        for night in nights:
            assert f"{night}    {business(night)}     success" in output, output
        return _outputs(stack, nights)


def _outputs(stack: Stack, nights: list[date]) -> dict[tuple[str, object], str]:
    sums: dict[tuple[str, object], str] = {key: v for key, v in stack.checksums(nights).items()}
    for table, columns in WHOLE_TABLES.items():
        [(digest,)] = stack.rows(
            f"select count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text),"
            f" '')) from (select {columns} from {table}) t"
        )
        sums[(table, "all")] = str(digest)
    return sums


@pytest.fixture(scope="module")
def two_runs(landing: Path) -> Iterator[tuple[dict, dict]]:
    yield _backfill_outputs(landing), _backfill_outputs(landing)


def test_two_backfills_of_the_same_nights_write_bit_identical_tables(
    two_runs: tuple[dict, dict],
) -> None:
    first, second = two_runs
    assert set(first) == set(second)
    # Every night wrote every table (an empty table would be trivially identical).
    for (table, day), digest in first.items():
        if table in (*CORE_TABLES, *RUN_TABLES) or day == "all":
            assert not digest.startswith("0:"), (table, day)
    differing = sorted(
        f"{table} {day}" for table, day in first if first[(table, day)] != second[(table, day)]
    )
    assert differing == []
    tables = {table for table, _ in first}
    assert {"loyalty.churn_scores", "loyalty.rewards", "forecast.traffic_hourly"} <= tables
