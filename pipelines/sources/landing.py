"""The landing location (local path or fsspec URL) and the local staging copy of each file.

Extraction copies the night's file from the landing location into ``<data_dir>/staging`` and
fingerprints it, so loading is local, re-runs are reproducible, and ops.loads says exactly which
bytes were loaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import fsspec

from pipelines.errors import NightshiftError
from pipelines.sources.datasets import Dataset


class MissingExport(NightshiftError):
    """The source has not delivered the file for that business date."""


@dataclass(frozen=True)
class StagedFile:
    dataset: str
    source_url: str
    local_path: str
    fmt: str
    checksum: str
    size_bytes: int

    def to_ref(self) -> dict[str, str | int]:
        return self.__dict__.copy()


def locate(landing: str, dataset: Dataset, business_date: date) -> tuple[str, str]:
    """The URL of the dataset's export for the date and its format; MissingExport if none."""
    fs, root = fsspec.core.url_to_fs(landing)
    stem = f"{root.rstrip('/')}/{dataset.stem(business_date)}"
    for fmt in dataset.formats:
        if fs.exists(f"{stem}.{fmt}"):
            return fs.unstrip_protocol(f"{stem}.{fmt}"), fmt
    tried = ", ".join(f"{dataset.stem(business_date)}.{fmt}" for fmt in dataset.formats)
    raise MissingExport(
        f"no {dataset.name} export for {business_date} in {landing} (looked for {tried})"
    )


def stage(url: str, fmt: str, dataset: str, staging_dir: Path) -> StagedFile:
    """Copy the export to local staging, hashing it on the way."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    target = staging_dir / f"{dataset}.{fmt}"
    digest = hashlib.sha256()
    size = 0
    tmp = target.with_suffix(target.suffix + ".part")
    with fsspec.open(url, "rb") as source, tmp.open("wb") as sink:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            sink.write(chunk)
            size += len(chunk)
    tmp.replace(target)
    return StagedFile(dataset, url, str(target), fmt, digest.hexdigest(), size)
