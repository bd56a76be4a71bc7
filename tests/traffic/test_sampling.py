"""Which windows train and which validate: time-ordered, never overlapping, and a warm
fine-tune trains on the recent stretch its starting weights were only validated on."""

from __future__ import annotations

import numpy as np

from models.traffic.sampling import OriginRanges, time_ordered_split

HORIZON = 24
START = 48  # the padding before the first usable hour
HOURS = START + 200 * 24  # 200 days of known counts


def _counts(series: int = 3) -> np.ndarray:
    counts = np.ones((series, HOURS))
    counts[:, :START] = np.nan
    return counts


def _span(ranges: OriginRanges) -> tuple[int, int]:
    return int(ranges.low.min()), int(ranges.high.max())


def test_cold_split_validates_on_the_last_fraction_and_trains_before_it() -> None:
    split = time_ordered_split(
        _counts(), start=START, horizon=HORIZON, min_history=0, validation_fraction=0.1
    )
    assert split.validation is not None
    cut = HOURS - round(0.1 * (HOURS - START))
    assert _span(split.train) == (START, cut - HORIZON)  # whole horizons before the cut
    assert _span(split.validation) == (cut, HOURS - HORIZON)


def test_finetune_trains_on_the_hours_the_cold_split_only_validated_on() -> None:
    cold = time_ordered_split(
        _counts(), start=START, horizon=HORIZON, min_history=0, validation_fraction=0.1
    )
    warm = time_ordered_split(
        _counts(),
        start=START,
        horizon=HORIZON,
        min_history=0,
        validation_fraction=0.1,
        validation_hours=14 * 24,
    )
    assert cold.validation is not None and warm.validation is not None
    cut = HOURS - 14 * 24
    assert _span(warm.validation) == (cut, HOURS - HORIZON)
    assert _span(warm.train) == (START, cut - HORIZON)
    # What the fine-tune learns from includes hours the starting weights never trained on.
    newly_learnt = _span(warm.train)[1] - _span(cold.train)[1]
    assert newly_learnt == round(0.1 * (HOURS - START)) - 14 * 24 > 0


def test_too_short_history_trains_on_everything_without_validation() -> None:
    counts = _counts()[:, : START + 2 * HORIZON]
    split = time_ordered_split(
        counts, start=START, horizon=HORIZON, min_history=0, validation_fraction=0.1,
        validation_hours=14 * 24,
    )  # fmt: skip
    assert split.validation is None
    assert _span(split.train) == (START, START + HORIZON)
