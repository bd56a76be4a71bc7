"""Processes of the local services, by PID: is it still ours, what runs below it, stop it.

A PID file can outlive its process and the PID be reused, so a process counts as ours only
while its start time and command line match; task processes sit in process groups of their
own, so stopping a service also walks its process tree.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

# Started by this process: polling them reaps them when they exit (no zombies).
children: dict[int, subprocess.Popen[bytes]] = {}


def still_running(processes: dict[int, str]) -> list[int]:
    """The PIDs of ``processes`` (from process_tree) that still exist: same PID, same start."""
    return [pid for pid, started in processes.items() if started_at(pid) == started]


def terminate(leaders: list[int], grace_s: float) -> None:
    # Task processes run in process groups of their own (Airflow's supervisor puts them there
    # so it can kill their subprocesses), so the leaders' groups do not cover them: remember
    # the whole tree now, as orphans could no longer be found through their parents.
    tree: dict[int, str] = {}
    for pid in leaders:
        tree |= descendants(pid)
        signal_group(pid, signal.SIGTERM)

    def remaining() -> bool:
        return any(group_alive(pid) for pid in leaders) or bool(still_running(tree))

    deadline = time.monotonic() + grace_s
    while remaining() and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in leaders:
        if group_alive(pid):
            signal_group(pid, signal.SIGKILL)
    for pid in still_running(tree):
        signal_group(pid, signal.SIGKILL)
    while remaining() and time.monotonic() < deadline + 5:
        time.sleep(0.1)


def reap(pid: int) -> None:
    child = children.get(pid)
    if child is not None and child.poll() is not None:
        del children[pid]


def alive(pid: int, marker: bytes = b"airflow") -> bool:
    """Whether ``pid`` is still one of our processes (not a reused PID or a zombie)."""
    proc = Path("/proc") / str(pid)
    if not Path("/proc").exists():  # no procfs (macOS): trust a PID that answers
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    if started_at(pid) is None:
        return False
    try:
        return marker in (proc / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False


def started_at(pid: int) -> str | None:
    """The process's start time (clock ticks since boot), None when gone or a zombie."""
    reap(pid)
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return None if fields[0] == "Z" else fields[19]


def descendants(pid: int) -> dict[int, str]:
    """``pid`` and everything below it: PID -> start time (just ``pid`` without procfs)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        started = started_at(current)
        if current in found or (started is None and Path("/proc").exists()):
            continue
        found[current] = started or ""
        todo.extend(children.get(current, []))
    return found


def group_alive(pgid: int) -> bool:
    reap(pgid)
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        # Only a leader of its own group (as started here) is signalled as a group.
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass
