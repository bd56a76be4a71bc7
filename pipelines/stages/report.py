"""Report: what the night produced, written where people look for it.

Today that is a JSON summary per business date under ``<data_dir>/reports``; the managers'
staffing emails are added on top of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.settings import Settings
from pipelines.stages.ingest import data_docs_dir
from pipelines.window import RunWindow


def write_run_summary(
    settings: Settings, window: RunWindow, results: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    folder = settings.data_dir / "reports" / window.business_date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path: Path = folder / "run-summary.json"
    docs = data_docs_dir(settings, window)
    summary = {
        "window": window.to_ref(),
        "notices": notices(results),
        "stages": results,
        "data_docs": sorted(str(p) for p in docs.glob("*/index.html")),
    }
    # Write then rename, so a reader never sees a half-written file.
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str), encoding="utf-8")
    tmp.replace(path)
    return {"summary_path": str(path), "data_docs_dir": str(docs)}


def notices(results: dict[str, dict[str, Any]]) -> list[str]:
    """What a reader must not miss, one line per stage that said it: a model serving its
    baseline, a stage skipped and why (e.g. "skipped: no model beat the baseline")."""
    return [
        f"{stage}: {value}"
        for stage, counts in results.items()
        for key, value in counts.items()
        if key in ("notice", "skipped") or key.endswith("_notice")
    ]
