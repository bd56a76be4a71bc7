"""Same arguments give the same bytes; re-running into a directory replaces the old run."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from tests.simulator.conftest import simulate


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    window = {"stores": 2, "start": date(2025, 3, 1), "end": date(2025, 3, 5)}
    first = _digests(simulate(tmp_path / "a", seed=3, **window).config.out)
    again = _digests(simulate(tmp_path / "b", seed=3, **window).config.out)
    other = _digests(simulate(tmp_path / "c", seed=4, **window).config.out)

    assert first == again
    assert len(first) == 2 + 1 + 6 * 5 + 1  # masters, weather, 6 files x 5 days, manifest
    changed = {name for name in first if first[name] != other.get(name)}
    assert "pos/2025-03-03/transactions.csv" in changed
    assert "reviews/2025-03-03/reviews.jsonl" in changed


def test_defective_runs_are_deterministic_too(tmp_path: Path) -> None:
    window = {"stores": 2, "start": date(2025, 3, 1), "end": date(2025, 3, 4), "defects": 0.1}
    assert _digests(simulate(tmp_path / "a", **window).config.out) == _digests(
        simulate(tmp_path / "b", **window).config.out
    )


def test_rerun_into_the_same_directory_replaces_the_previous_run(tmp_path: Path) -> None:
    simulate(tmp_path, stores=2, start=date(2025, 3, 1), end=date(2025, 3, 6))
    summary = simulate(tmp_path, stores=2, start=date(2025, 3, 1), end=date(2025, 3, 3))

    days = sorted(p.name for p in (tmp_path / "pos").iterdir())
    assert days == ["2025-03-01", "2025-03-02", "2025-03-03"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["end"] == "2025-03-03"
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "manifest.json"]
    assert manifest["generated_files"] == summary.files == len(written)
