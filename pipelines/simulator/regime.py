"""Regime changes: from a date on, a store's traffic level is multiplied by a factor and stays
there (a competitor opens next door: 0.6; a mall extension: 1.4). Tickets, sales and member
visits follow the traffic, so every model downstream sees the change. Used to test that the
monitor notices a model that no longer fits (``--regime-change STORE:DATE:FACTOR``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from pipelines.errors import NightshiftError


@dataclass(frozen=True)
class RegimeChange:
    store: str  # a store id, or the store's 1-based position in the store master
    start: date
    factor: float

    @classmethod
    def parse(cls, text: str) -> RegimeChange:
        """``STORE:YYYY-MM-DD:FACTOR``, e.g. ``LIM-MIR-01:2026-11-10:0.6`` or ``2:2026-11-10:0.6``
        (STORE: an id or a 1-based position)."""
        parts = text.split(":")
        if len(parts) != 3:
            raise NightshiftError(
                f"--regime-change {text!r}: expected STORE:YYYY-MM-DD:FACTOR "
                "(e.g. 2:2026-11-10:0.6)"
            )
        store, start, factor = parts
        try:
            change = cls(store.strip(), date.fromisoformat(start), float(factor))
        except ValueError as error:
            raise NightshiftError(f"--regime-change {text!r}: {error}") from None
        if not change.factor > 0:
            raise NightshiftError(f"--regime-change {text!r}: the factor must be positive")
        return change

    def store_index(self, ids: np.ndarray) -> int:
        """Where the store is in the simulation's store arrays."""
        known = [str(i) for i in ids]
        if self.store in known:
            return known.index(self.store)
        if self.store.isdigit() and 1 <= int(self.store) <= len(known):
            return int(self.store) - 1
        raise NightshiftError(
            f"--regime-change: unknown store {self.store!r}; use a position 1..{len(known)} "
            f"or one of {', '.join(known)}"
        )


def level_factors(changes: tuple[RegimeChange, ...], ids: np.ndarray, day: date) -> np.ndarray:
    """Per store, the product of the factors of the changes started on or before ``day``."""
    factors = np.ones(len(ids))
    for change in changes:
        if day >= change.start:
            factors[change.store_index(ids)] *= change.factor
    return factors
