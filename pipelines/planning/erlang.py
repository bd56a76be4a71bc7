"""Erlang B and C for an M/M/c queue, and the smallest number of servers meeting a service level.

Textbook formulas use a^c / c!, which overflows for a few hundred servers. We use the recurrence
B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)), which only ever handles numbers in [0, 1], then
C = c·B / (c - a·(1 - B)). Notation: ``load`` a = arrival rate × mean service time (Erlangs),
``servers`` c. All time arguments share one unit (the planner uses hours).
"""

from __future__ import annotations

import math

# Service levels are compared with this slack so that a target met exactly is not missed by
# floating-point noise.
_TOLERANCE = 1e-12


def erlang_b(load: float, servers: int) -> float:
    """Probability that an arrival finds all ``servers`` busy when blocked arrivals are lost."""
    _check(load, servers)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(load: float, servers: int) -> float:
    """Probability that an arrival has to wait (all servers busy) when arrivals queue.

    With ``load >= servers`` the queue grows without bound and everyone eventually waits: 1.0.
    """
    _check(load, servers)
    if load == 0:
        return 0.0
    if load >= servers:
        return 1.0
    blocking = erlang_b(load, servers)
    return servers * blocking / (servers - load * (1 - blocking))


def service_level(
    arrival_rate: float, service_time: float, servers: int, target_wait: float
) -> float:
    """Share of arrivals whose wait is at most ``target_wait``: 1 - C·exp(-(c - a)·t / s).

    No arrivals: nobody waits (1.0). An overloaded queue (a >= c) serves nobody on time (0.0).
    """
    if arrival_rate < 0 or service_time <= 0 or target_wait < 0:
        raise ValueError("arrival rate and target wait must be >= 0 and service time > 0")
    load = arrival_rate * service_time
    if load == 0:
        return 1.0
    if load >= servers:
        return 0.0
    waiting = erlang_c(load, servers)
    return 1.0 - waiting * math.exp(-(servers - load) * target_wait / service_time)


def mean_wait(arrival_rate: float, service_time: float, servers: int) -> float:
    """Average wait in the queue (all arrivals, including those served at once): C·s / (c - a)."""
    load = arrival_rate * service_time
    if load == 0:
        return 0.0
    if load >= servers:
        return math.inf
    return erlang_c(load, servers) * service_time / (servers - load)


def servers_for_service_level(
    arrival_rate: float, service_time: float, target_wait: float, target_share: float
) -> int:
    """Smallest c whose service level reaches ``target_share``; 0 when nothing arrives.

    Walks c upwards, extending the Erlang B recurrence one server at a time, so the whole search
    costs O(c). It starts above the load (fewer servers can never keep up) and ends because the
    service level tends to 1 as c grows.
    """
    if not 0 < target_share < 1:
        raise ValueError(f"target share must be strictly between 0 and 1, got {target_share}")
    if arrival_rate < 0 or service_time <= 0 or target_wait < 0:
        raise ValueError("arrival rate and target wait must be >= 0 and service time > 0")
    load = arrival_rate * service_time
    if load == 0:
        return 0
    blocking = 1.0
    servers = 0
    while True:
        servers += 1
        blocking = load * blocking / (servers + load * blocking)
        if servers <= load:
            continue
        waiting = servers * blocking / (servers - load * (1 - blocking))
        reached = 1.0 - waiting * math.exp(-(servers - load) * target_wait / service_time)
        if reached >= target_share - _TOLERANCE:
            return servers


def _check(load: float, servers: int) -> None:
    if not load >= 0 or not math.isfinite(load):
        raise ValueError(f"load must be a finite number >= 0, got {load}")
    if servers < 0:
        raise ValueError(f"servers must be >= 0, got {servers}")
