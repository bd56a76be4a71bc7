"""Fewest staff-hours of contiguous shifts covering an hourly need: an exact, pure solver.

Problem: one open block of ``T`` consecutive hours with need ``n[0..T-1]`` people. Choose shifts
``[s, e)`` inside the block, each between ``min_hours`` and ``max_hours`` long, so that every hour
has at least ``n[t]`` people on shift, with the fewest total hours (ties: the fewest shifts).

Why it is exact without an integer-programming solver: each shift covers a run of consecutive
hours, so taking differences of consecutive coverage constraints turns the problem into a
min-cost flow on the ``T + 1`` hour boundaries (a shift ``[s, e)`` is an arc ``e -> s`` costing
its length; over-coverage is a free arc ``t -> t+1``; boundary ``t`` needs ``n[t] - n[t-1]``
units). Min-cost flow with integer data has an integer optimum, and successive shortest paths
find it. Graphs are tiny (at most 25 nodes for a day), so this is fast in pure Python.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

Shift = tuple[int, int]  # [start, end) as hour offsets into the block


def minimal_shifts(need: Sequence[int], min_hours: int, max_hours: int) -> list[Shift]:
    """Shifts covering ``need`` with the fewest staff-hours, then the fewest shifts.

    A block shorter than ``min_hours`` cannot hold a legal shift: it gets ``max(need)`` shifts of
    the whole block instead (the caller flags them).
    """
    if not 1 <= min_hours <= max_hours:
        raise ValueError(f"need 1 <= min_hours <= max_hours, got {min_hours} and {max_hours}")
    if any(n < 0 or int(n) != n for n in need):
        raise ValueError(f"hourly need must be whole numbers >= 0, got {list(need)}")
    span, peak = len(need), int(max(need, default=0))
    if peak == 0:
        return []
    if span < min_hours:
        return [(0, span)] * peak
    return _FlowSolver(need, min_hours, min(max_hours, span)).solve()


def staff_hours(shifts: Sequence[Shift]) -> int:
    return sum(end - start for start, end in shifts)


def coverage(shifts: Sequence[Shift], span: int) -> list[int]:
    """People on shift in each hour of the block."""
    on_shift = [0] * span
    for start, end in shifts:
        for hour in range(start, end):
            on_shift[hour] += 1
    return on_shift


class _FlowSolver:
    """Successive shortest paths (queue-based Bellman-Ford) on the boundary graph."""

    def __init__(self, need: Sequence[int], min_hours: int, max_hours: int) -> None:
        span = len(need)
        self.source, self.sink = span + 1, span + 2
        self.adjacent: list[list[int]] = [[] for _ in range(span + 3)]
        self.head: list[int] = []
        self.capacity: list[int] = []
        self.cost: list[int] = []
        self.shift_arcs: list[tuple[int, Shift]] = []

        # boundary t needs n[t] - n[t-1] more units in than out (n[-1] = n[T] = 0)
        padded = [0, *(int(n) for n in need), 0]
        self.demand = 0
        for boundary in range(span + 1):
            rise = padded[boundary + 1] - padded[boundary]
            if rise > 0:
                self._arc(boundary, self.sink, rise, 0)
                self.demand += rise
            elif rise < 0:
                self._arc(self.source, boundary, -rise, 0)
        unlimited = self.demand
        # Weight hours so heavily that one extra hour always costs more than any number of
        # extra shifts; the "+1" per shift then breaks ties towards fewer, longer shifts.
        hour_weight = 2 * span * max(padded) + 1
        for boundary in range(span):
            self._arc(boundary, boundary + 1, unlimited, 0)
        for start in range(span):
            for length in range(min_hours, max_hours + 1):
                end = start + length
                if end > span:
                    break
                arc = self._arc(end, start, unlimited, hour_weight * length + 1)
                self.shift_arcs.append((arc, (start, end)))
        self.unlimited = unlimited

    def _arc(self, tail: int, head: int, capacity: int, cost: int) -> int:
        """Add an arc and its residual twin (index ^ 1); returns the arc's index."""
        index = len(self.head)
        for node, to, cap, price in ((tail, head, capacity, cost), (head, tail, 0, -cost)):
            self.adjacent[node].append(len(self.head))
            self.head.append(to)
            self.capacity.append(cap)
            self.cost.append(price)
        return index

    def solve(self) -> list[Shift]:
        sent = 0
        while sent < self.demand:
            path = self._cheapest_path()
            if path is None:  # cannot happen for a block at least min_hours long
                raise RuntimeError("shift covering found no feasible plan")
            push = min(self.capacity[arc] for arc in path)
            for arc in path:
                self.capacity[arc] -= push
                self.capacity[arc ^ 1] += push
            sent += push
        shifts: list[Shift] = []
        for arc, shift in self.shift_arcs:
            shifts.extend([shift] * (self.unlimited - self.capacity[arc]))
        return sorted(shifts)

    def _cheapest_path(self) -> list[int] | None:
        nodes = len(self.adjacent)
        distance: list[float] = [float("inf")] * nodes
        via = [-1] * nodes
        queued = [False] * nodes
        distance[self.source] = 0
        queue = deque([self.source])
        while queue:
            node = queue.popleft()
            queued[node] = False
            for arc in self.adjacent[node]:
                if self.capacity[arc] <= 0:
                    continue
                to, reach = self.head[arc], distance[node] + self.cost[arc]
                if reach < distance[to]:
                    distance[to], via[to] = reach, arc
                    if not queued[to]:
                        queued[to] = True
                        queue.append(to)
        if via[self.sink] < 0:
            return None
        path, node = [], self.sink
        while node != self.source:
            arc = via[node]
            path.append(arc)
            node = self.head[arc ^ 1]
        return path
