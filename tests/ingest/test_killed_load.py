"""A POS load killed with SIGKILL in the middle of its COPY leaves the date as it was.

The load runs in a child process (the real code path: stage -> parse -> COPY in one
transaction); the test waits until PostgreSQL shows the COPY running, kills the child, and
checks that no partial rows are visible and the date's previous load is intact. Re-running
the load then gives the full row count.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from pipelines.settings import Settings
from pipelines.stages import ingest
from tests.ingest.conftest import window_for
from tests.ingest.landing import POS_COLUMNS, write_landing

DAY = date(2031, 10, 5)
# Big enough that COPY runs for about a second here, so the kill lands inside it.
BIG_ROWS = 300_000
ROOT = Path(__file__).resolve().parents[2]
# The child: the same load the DAG's load task runs, for the staged references on argv.
CHILD = """
import json, sys
from pipelines.settings import get_settings
from pipelines.stages import ingest
from pipelines.warehouse import warehouse
from pipelines.window import RunWindow
window, staged = RunWindow.from_ref(json.loads(sys.argv[1])), json.loads(sys.argv[2])
ingest.load(warehouse(get_settings()), window, staged)
"""
ACTIVE_COPY = text(
    "select pid from pg_stat_activity where datname = current_database() and state = 'active'"
    """ and query like 'copy "raw"."pos_lines" %from stdin%'"""
)


def _write_big_export(path: Path, day: date, rows: int) -> None:
    opened = datetime.combine(day, datetime.min.time()) + timedelta(hours=10)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(POS_COLUMNS) + "\n")
        for i in range(rows):
            ts = opened + timedelta(seconds=i % 43_200)
            handle.write(
                f"T-BIG-{i:07d},1,LIM-MIR-01,{ts:%Y-%m-%d %H:%M:%S},,bebidas,"
                f"Chicha morada 1L,1,5.50,0.00,yape,5.50\n"
            )


def _raw_state(engine: Engine) -> tuple[int, str, int | None]:
    """Row count and checksum of the date's raw POS rows, and the logged load's row count."""
    with engine.connect() as conn:
        count, checksum = conn.execute(
            text(
                "select count(*), md5(coalesce(string_agg(t::text, '|' order by t.raw_id), ''))"
                " from raw.pos_lines t where business_date = :d"
            ),
            {"d": DAY},
        ).one()
        logged = conn.execute(
            text(
                "select rows_loaded from ops.loads"
                " where business_date = :d and source = 'pos_lines'"
            ),
            {"d": DAY},
        ).scalar()
    return count, checksum, logged


def _kill_during_copy(engine: Engine, child: subprocess.Popen[bytes]) -> int:
    """SIGKILL the child as soon as its COPY is running; returns the server process id."""
    deadline = time.monotonic() + 120
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            pid = conn.execute(ACTIVE_COPY).scalar()
            if pid is not None:
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=30)
                return int(pid)
            if child.poll() is not None:
                stderr = child.stderr.read().decode() if child.stderr else ""
                raise AssertionError(f"the load ended before its COPY was seen: {stderr}")
            conn.rollback()  # a fresh snapshot of pg_stat_activity on each poll
            time.sleep(0.005)
    raise AssertionError("the COPY never showed up in pg_stat_activity")


def _wait_until_gone(engine: Engine, backend_pid: int) -> None:
    """The server notices the dead client and rolls its transaction back."""
    deadline = time.monotonic() + 30
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            alive = conn.execute(
                text("select count(*) from pg_stat_activity where pid = :pid"),
                {"pid": backend_pid},
            ).scalar_one()
            if not alive:
                return
            conn.rollback()
            time.sleep(0.05)
    raise AssertionError(f"backend {backend_pid} still alive after its client was killed")


def test_load_killed_mid_copy_leaves_no_partial_rows_and_reruns(
    engine: Engine, landing_settings: Settings
) -> None:
    landing = write_landing(Path(landing_settings.landing), DAY)
    window = window_for(DAY, landing_settings)
    # The date's previous, complete load: 80 POS lines.
    ingest.load(engine, window, ingest.extract(engine, window, landing_settings, "pos"))
    before = _raw_state(engine)
    assert before[0] == 80 and before[2] == 80

    _write_big_export(landing / "pos" / DAY.isoformat() / "transactions.csv", DAY, BIG_ROWS)
    staged = [
        ref
        for ref in ingest.extract(engine, window, landing_settings, "pos")
        if ref["dataset"] == "pos_lines"
    ]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(window.to_ref()), json.dumps(staged)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        backend = _kill_during_copy(engine, child)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    _wait_until_gone(engine, backend)

    assert _raw_state(engine) == before  # no partial rows; the previous load untouched

    counts = ingest.load(engine, window, staged)
    assert counts["pos_lines_loaded"] == BIG_ROWS
    count, _, logged = _raw_state(engine)
    assert count == BIG_ROWS and logged == BIG_ROWS
