from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from pipelines.planning.covering import coverage, minimal_shifts, staff_hours


def brute_force_minimum(need: tuple[int, ...], min_hours: int, max_hours: int) -> int:
    """Fewest staff-hours by exhaustive search: the earliest under-covered hour must be covered
    by some legal shift containing it; try every one and recurse on what is left."""
    span = len(need)

    @cache
    def best(left: tuple[int, ...]) -> int:
        hour = next((t for t, n in enumerate(left) if n > 0), None)
        if hour is None:
            return 0
        options = []
        for length in range(min_hours, max_hours + 1):
            for start in range(max(0, hour - length + 1), hour + 1):
                if start + length <= span:
                    rest = tuple(
                        max(0, n - 1) if start <= t < start + length else n
                        for t, n in enumerate(left)
                    )
                    options.append(length + best(rest))
        return min(options)

    return best(need)


def random_cases(count: int, seed: int) -> list[tuple[tuple[int, ...], int, int]]:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        min_hours = int(rng.integers(1, 5))
        max_hours = min_hours + int(rng.integers(0, 4))
        span = int(rng.integers(min_hours, 11))
        need = tuple(int(n) for n in rng.integers(0, 4, span))
        cases.append((need, min_hours, max_hours))
    return cases


@pytest.mark.parametrize(("need", "min_hours", "max_hours"), random_cases(150, seed=11))
def test_shifts_cover_need_legally_with_the_fewest_hours(
    need: tuple[int, ...], min_hours: int, max_hours: int
) -> None:
    shifts = minimal_shifts(need, min_hours, max_hours)
    on_shift = coverage(shifts, len(need))
    assert all(have >= want for have, want in zip(on_shift, need, strict=True))
    assert all(0 <= start < end <= len(need) for start, end in shifts)
    assert all(min_hours <= end - start <= max_hours for start, end in shifts)
    assert staff_hours(shifts) == brute_force_minimum(need, min_hours, max_hours)


def test_flat_need_over_a_long_day_uses_few_long_shifts() -> None:
    # 13 hours with one person: 13 hours is the floor, and two shifts (e.g. 5 + 8) reach it.
    shifts = minimal_shifts([1] * 13, 4, 8)
    assert staff_hours(shifts) == 13
    assert len(shifts) == 2


def test_a_lone_busy_hour_still_gets_a_legal_shift() -> None:
    shifts = minimal_shifts([0, 0, 0, 0, 0, 2, 0, 0], 4, 8)
    assert len(shifts) == 2
    assert all(end - start == 4 and start <= 5 < end for start, end in shifts)


def test_span_shorter_than_the_minimum_shift_gets_whole_span_shifts() -> None:
    assert minimal_shifts([1, 3, 2], 4, 8) == [(0, 3)] * 3


def test_no_need_means_no_shifts() -> None:
    assert minimal_shifts([0, 0, 0, 0, 0], 4, 8) == []
    assert minimal_shifts([], 4, 8) == []


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        minimal_shifts([1, 1], 5, 4)
    with pytest.raises(ValueError):
        minimal_shifts([1, -1], 1, 4)


def test_restaurant_example_in_the_docs_holds() -> None:
    # docs/staffing-model.md: 27 person-hours of need from 12:00 to 01:00 take 6 shifts and 28
    # paid hours (one hour over the need, since nobody may work under 4 hours).
    need = [2, 3, 3, 2, 1, 1, 2, 3, 3, 3, 2, 1, 1]
    shifts = minimal_shifts(need, 4, 8)
    assert (len(shifts), staff_hours(shifts), sum(need)) == (6, 28, 27)
    assert sum(coverage(shifts, 13)) - sum(need) == 1
