"""--defects injects every kind of fault (and says so in the manifest); 0 injects none."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd

from pipelines.simulator.core import SimulationSummary

TS = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _scan(out: Path) -> dict[str, int]:
    """Count, from the bytes on disk, the evidence of each defect kind."""
    known = set(pd.read_csv(out / "stores.csv")["store_id"])
    last_year = json.loads((out / "manifest.json").read_text())["end"][:4]
    found = dict.fromkeys(
        ["duplicate_ticket", "negative_quantity", "malformed_timestamp", "unknown_store_id",
         "null_amount", "broken_encoding", "future_date", "missing_cost", "truncated_file"],
        0,
    )  # fmt: skip
    files = sorted(out.glob("pos/*/*.csv")) + sorted(out.glob("reviews/*/*.jsonl"))
    for path in files:
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            found["truncated_file"] += 1
            data = data[: data.rfind(b"\n") + 1]  # judge only the complete lines
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            found["broken_encoding"] += 1
            text = data.decode("utf-8", errors="replace")
        found["broken_encoding"] += text.count("Ã")
        if path.suffix == ".jsonl":
            rows = [json.loads(line) for line in text.splitlines()]
        else:
            rows = list(csv.DictReader(io.StringIO(text)))
        if path.name == "product_costs.csv":  # the catalogue's costs: no time, no store
            found["missing_cost"] += sum(r["unit_cost"] == "" for r in rows)
            continue
        for row in rows:
            ts = row["ts"]
            if not TS.fullmatch(ts):
                found["malformed_timestamp"] += 1
            elif ts[:4] > last_year:
                found["future_date"] += 1
            found["unknown_store_id"] += row["store_id"] not in known
        if path.name == "transactions.csv":
            keys = [(r["ticket_id"], r["line_id"]) for r in rows]
            found["duplicate_ticket"] += len(keys) - len(set(keys))
            found["negative_quantity"] += sum(int(r["quantity"]) < 0 for r in rows)
            found["null_amount"] += sum(r["amount"] == "" for r in rows)
    return found


def test_every_defect_kind_is_injected_and_recorded(defect_run: SimulationSummary) -> None:
    out = defect_run.config.out
    manifest = json.loads((out / "manifest.json").read_text())
    recorded = manifest["injected_defects"]
    found = _scan(out)
    for kind, count in found.items():
        assert recorded[kind] > 0, kind
        assert count > 0, kind
    assert recorded["truncated_file"] == len(manifest["truncated_files"])
    rows = manifest["rows"]["transactions"]
    assert recorded["negative_quantity"] < 0.05 * rows  # a rate, not a flood


def test_defects_zero_leaves_the_files_clean(clean_run: SimulationSummary) -> None:
    out = clean_run.config.out
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["injected_defects"].values()) == {0}
    assert manifest["truncated_files"] == []
    assert set(_scan(out).values()) == {0}
