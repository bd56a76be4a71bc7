"""Import Evidently the one way this project does: telemetry off, and working under pandas 3.

Telemetry. Evidently (0.7) reports usage through ``iterative_telemetry`` to a host of its
own: report code through ``evidently.telemetry.event_logger`` and the UI service on every API
call (a detached ``python -c "requests.post(...)"`` child). Both stay silent when the
``DO_NOT_TRACK`` environment variable exists; ``ITERATIVE_DO_NOT_TRACK`` silences the
library underneath and ``EVIDENTLY_DISABLE_TELEMETRY=1`` the legacy modules. They are set here,
in code, before Evidently is imported, and inherited by anything this process starts (the UI).

pandas 3. Evidently 0.7.23 imports ``pandas.core.dtypes.common.infer_dtype_from_object``
(in ``evidently.legacy.tests.data_integrity_tests``, reached from ``import evidently``), which
pandas 3 removed. The shim defines it, only when missing, as what it was: the numpy scalar
type of a dtype-like (``pandas_dtype(x).type``). It can go when an Evidently release no longer
imports it; ``tests/monitoring/test_evidently_compat.py`` says when.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

TELEMETRY_OFF = {
    "DO_NOT_TRACK": "1",
    "ITERATIVE_DO_NOT_TRACK": "1",
    "EVIDENTLY_DISABLE_TELEMETRY": "1",
}


def disable_telemetry() -> None:
    """Set the variables Evidently and iterative_telemetry check (never overridden by a user's
    own value: any value of the first two disables it)."""
    for name, value in TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)
    os.environ["EVIDENTLY_DISABLE_TELEMETRY"] = "1"


def _infer_dtype_from_object(dtype: Any) -> type:
    """pandas < 3's ``infer_dtype_from_object`` for the dtype-likes Evidently passes."""
    from pandas.api.types import pandas_dtype

    return pandas_dtype(dtype).type


def install_pandas_shim() -> bool:
    """Define the function pandas 3 removed, if it is missing; True when the shim was needed."""
    import pandas.core.dtypes.common as common

    if hasattr(common, "infer_dtype_from_object"):
        return False
    common.infer_dtype_from_object = _infer_dtype_from_object  # type: ignore[attr-defined]
    return True


def evidently() -> ModuleType:
    """The ``evidently`` package, imported with telemetry off and the pandas shim in place."""
    disable_telemetry()
    install_pandas_shim()
    import evidently as module

    # Evidently's own logger decides at send time; make sure it agrees that it is off.
    from evidently.telemetry import event_logger

    if event_logger.is_enabled():  # pragma: no cover - the variables above prevent it
        raise RuntimeError("Evidently telemetry is still enabled; refusing to continue")
    return module
