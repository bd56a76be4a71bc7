"""Evidently imports with telemetry off, and under pandas 3 only thanks to the shim.

When ``test_the_shim_is_still_needed`` fails, an Evidently release no longer imports the
function pandas 3 removed (or pandas brought it back): delete ``install_pandas_shim`` and its
call, and this file's shim tests.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from pipelines.monitoring import evidently_compat


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=180, env=env
    )


def test_the_shim_is_still_needed() -> None:
    """Without the shim, ``import evidently`` fails on pandas 3 (as of evidently 0.7.23)."""
    done = _python("import evidently")
    if int(pd.__version__.split(".")[0]) >= 3:
        assert done.returncode != 0
        assert "infer_dtype_from_object" in done.stderr, done.stderr[-1000:]


def test_the_shim_gives_what_pandas_2_gave() -> None:
    shim = evidently_compat._infer_dtype_from_object
    assert shim("int64") is __import__("numpy").int64
    assert shim(float) is __import__("numpy").float64
    assert shim("category") is pd.CategoricalDtype.type


def test_evidently_imports_with_telemetry_off() -> None:
    done = _python(
        "from pipelines.monitoring.evidently_compat import evidently\n"
        "module = evidently()\n"
        "from evidently.telemetry import event_logger\n"
        "import os\n"
        "print(module.__version__, event_logger.is_enabled(), os.environ['DO_NOT_TRACK'])\n"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    version, enabled, flag = done.stdout.split()
    assert version.startswith("0.7.") and enabled == "False" and flag == "1"


def test_the_ui_configuration_disables_its_telemetry_component(tmp_path: object) -> None:
    from pathlib import Path

    from pipelines.monitoring.ui import ui_config

    config = ui_config(Path(str(tmp_path)), "127.0.0.1", 0)
    assert config.telemetry.enabled is False
