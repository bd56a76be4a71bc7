"""The embedded PostgreSQL server (the ``pgserver`` wheel) under ``<data_dir>/pgdata``.

It is started on first use and left running (``cleanup_mode=None``) so later commands and
Airflow task processes reuse it; ``nightshift db stop`` stops it. The server listens only on a
unix socket, never on a TCP port.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import NightshiftError

SUPERUSER = "postgres"
# pgserver refuses to run PostgreSQL as root and runs it as this system user instead.
ROOT_FALLBACK_USER = "pgserver"


@dataclass(frozen=True)
class EmbeddedStatus:
    running: bool
    pid: int | None
    socket_dir: Path | None
    pgdata: Path


def _pgserver():  # type: ignore[no-untyped-def]
    """Import pgserver quietly: it probes XDG_RUNTIME_DIR at import and warns when unset."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        import pgserver.utils

    # Its INFO lines (one per command, and at interpreter exit) drown the pipeline's own logs.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    return pgserver


def _postmaster_info(pgdata: Path):  # type: ignore[no-untyped-def]
    """pgserver's view of ``postmaster.pid`` when a ready server owns it, else None."""
    info = _pgserver().utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running() or info.status != "ready":
        return None
    return info


def status(pgdata: Path) -> EmbeddedStatus:
    info = _postmaster_info(pgdata)
    if info is None:
        return EmbeddedStatus(False, None, None, pgdata)
    return EmbeddedStatus(True, info.pid, info.socket_dir, pgdata)


def ensure_running(pgdata: Path) -> Path:
    """Start the server if needed (initdb the first time); return its socket directory."""
    info = _postmaster_info(pgdata)
    if info is None:
        pgserver = _pgserver()
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        try:
            server = pgserver.get_server(pgdata, cleanup_mode=None)
        except (subprocess.SubprocessError, OSError) as error:
            raise NightshiftError(
                f"could not start the embedded PostgreSQL in {pgdata}: {error}; "
                f"see {pgdata / 'log'} for the server's own message"
            ) from error
        info = server.get_postmaster_info()
    if info.socket_dir is None:  # pragma: no cover - pgserver always uses a socket on Linux
        raise NightshiftError(f"embedded PostgreSQL in {pgdata} has no unix socket")
    return Path(info.socket_dir)


def stop(pgdata: Path) -> bool:
    """Stop the server if it runs; return whether it was running."""
    if _postmaster_info(pgdata) is None:
        return False
    pg_ctl = _pgserver().pg_ctl
    user = ROOT_FALLBACK_USER if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def restart(pgdata: Path) -> None:
    """Restart the running server as a crash or a host restart would (``pg_ctl restart -m
    immediate``: every connection is cut at once, the server recovers from its WAL on start);
    clients reconnect to the same socket. A fast shutdown could wait past pg_ctl's minute on a
    busy server."""
    if _postmaster_info(pgdata) is None:
        raise NightshiftError(f"no embedded PostgreSQL runs in {pgdata}")
    pg_ctl = _pgserver().pg_ctl
    user = ROOT_FALLBACK_USER if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "immediate", "restart"], pgdata=pgdata, user=user)


def url(socket_dir: Path, database: str) -> str:
    """SQLAlchemy URL for a database on the embedded server."""
    return f"postgresql+psycopg2://{SUPERUSER}@/{database}?host={socket_dir}"


def psql_executable() -> Path:
    """The psql client bundled with the pgserver wheel."""
    return Path(_pgserver().__file__).parent / "pginstall" / "bin" / "psql"
