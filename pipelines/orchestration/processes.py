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

import psutil

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


def alive(pid: int, marker: str = "airflow") -> bool:
    """Whether ``pid`` is still one of our processes (not a reused PID or a zombie)."""
    if started_at(pid) is None:
        return False
    try:
        return any(marker in part for part in psutil.Process(pid).cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def started_at(pid: int) -> str | None:
    """The process's start time (with its PID, its identity), None when gone or a zombie."""
    reap(pid)
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return repr(process.create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def descendants(pid: int) -> dict[int, str]:
    """``pid`` and everything below it: PID -> start time."""
    try:
        family = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    found: dict[int, str] = {}
    for process in family:
        started = started_at(process.pid)
        if started is not None:
            found[process.pid] = started
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
