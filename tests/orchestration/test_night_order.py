"""Which earlier nights a backfill step waits for (the live behaviour runs in test_celery)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pipelines.orchestration.night_order import earlier_nights, unfinished


def test_every_state_but_a_final_one_makes_a_later_night_wait() -> None:
    states: dict[str, dict[str, Any]] = {
        "backfill__a": {"train_traffic": "success"},
        "backfill__b": {"train_traffic": "running"},
        "backfill__c": {"train_traffic": None},  # the run exists, its task not scheduled yet
        "backfill__d": {"train_traffic": "up_for_reschedule"},  # itself waiting
        "backfill__e": {"train_traffic": "upstream_failed"},
        "manual__f": {"train_traffic": "up_for_retry"},
        "manual__g": {"train_traffic": "failed"},
        "scheduled__h": {"score_reviews": "running"},  # another step: not this one's business
    }
    assert unfinished(states, "train_traffic") == [
        "backfill__b", "backfill__c", "backfill__d", "manual__f",
    ]  # fmt: skip
    assert unfinished({"r": {"train_traffic": "skipped"}}, "train_traffic") == []


def test_earlier_nights_are_the_previous_nights_at_02_00_business_time() -> None:
    nights = earlier_nights(date(2026, 3, 2), lookback=3)
    assert [n.isoformat() for n in nights] == [
        "2026-03-01T02:00:00-05:00", "2026-02-28T02:00:00-05:00", "2026-02-27T02:00:00-05:00",
    ]  # fmt: skip
    assert all(isinstance(n, datetime) for n in nights)
