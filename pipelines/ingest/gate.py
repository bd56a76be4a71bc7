"""The validation gate for one landed dataset over one business date (or a range, for history).

Row-level failures (a malformed timestamp, an unknown store, a negative quantity, a duplicate)
send exactly those rows to quarantine.<dataset> with the original row and the reason; the rest go
on. Batch-level failures (wrong columns, a volume far from the trailing 28-day average, too many
rows rejected) raise ValidationFailed: nothing is published for those dates.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg2 import sql as psql
from psycopg2.extras import execute_values
from sqlalchemy import Engine

from pipelines.db.copy import driver_cursor
from pipelines.errors import ValidationFailed
from pipelines.ingest.typing import KEYS, typed_frame
from pipelines.sources.datasets import Dataset
from pipelines.sqlfiles import sql

VOLUME_HISTORY_DAYS = 28


@dataclass(frozen=True)
class GateResult:
    dataset: str
    rows: int
    rows_quarantined: int
    reasons: dict[str, int]

    def to_ref(self) -> dict[str, Any]:
        return self.__dict__.copy()


def read_raw(engine: Engine, dataset: Dataset, first: date, last: date) -> pd.DataFrame:
    """The dates' raw rows as text, through COPY (fast for millions of rows)."""
    columns = ["raw_id", "business_date", "source_file", *dataset.columns]
    query = psql.SQL(
        "copy (select {columns} from {table} where business_date between {first} and {last}"
        " order by raw_id) to stdout with (format csv, header true)"
    ).format(
        columns=psql.SQL(", ").join(map(psql.Identifier, columns)),
        table=psql.Identifier("raw", dataset.name),
        first=psql.Literal(first.isoformat()),
        last=psql.Literal(last.isoformat()),
    )
    buffer = io.BytesIO()
    with driver_cursor(engine) as cursor:
        cursor.copy_expert(query.as_string(cursor), buffer)
    buffer.seek(0)
    table = pacsv.read_csv(
        buffer,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={c: (pa.int64() if c == "raw_id" else pa.string()) for c in columns},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=False,
        ),
    )
    return table.to_pandas()


def _volume_band(
    engine: Engine, dataset: Dataset, first: date, last: date, band: tuple[float, float]
) -> tuple[int, int | None]:
    if first != last:  # a history load: no trailing average to compare a whole range with
        return 0, None
    with engine.connect() as conn:
        average = conn.execute(
            sql("ops/load_volume_average"),
            {
                "source": dataset.name,
                "first": first - timedelta(days=VOLUME_HISTORY_DAYS),
                "day": first,
            },
        ).scalar()
    if average is None:  # no history yet: nothing to compare with
        return 0, None
    return int(average * band[0]), int(average * band[1]) + 1


def _parameters(
    engine: Engine, dataset: Dataset, first: date, last: date, band: tuple[float, float]
) -> dict[str, Any]:
    with engine.connect() as conn:
        stores = list(conn.execute(sql("ref/store_ids")).scalars())
    min_rows, max_rows = _volume_band(engine, dataset, first, last, band)
    return {"known_stores": stores, "min_rows": min_rows, "max_rows": max_rows}


def _duplicate_ids(dataset: Dataset, frame: pd.DataFrame) -> list[int]:
    key = list(KEYS[dataset.name])
    return frame.loc[frame.duplicated(subset=key, keep="first"), "raw_id"].tolist()


def check(
    engine: Engine,
    dataset: Dataset,
    first: date,
    last: date,
    max_rejected_share: float,
    volume_band: tuple[float, float],
    docs_dir: Path | None = None,
) -> GateResult:
    from pipelines.validation import validate_frame  # Great Expectations: import on use

    raw = read_raw(engine, dataset, first, last)
    frame = typed_frame(dataset.name, raw.drop(columns="source_file"))
    reasons_by_id: dict[int, list[str]] = {}
    for raw_id in _duplicate_ids(dataset, frame):
        reasons_by_id.setdefault(raw_id, []).append(
            f"duplicate of an earlier row with the same {'/'.join(KEYS[dataset.name])}"
        )
    report = validate_frame(
        frame,
        dataset.name,
        parameters=_parameters(engine, dataset, first, last, volume_band),
        index_column="raw_id",
        docs_dir=docs_dir,
    )
    for outcome in report.failures:
        if outcome.level == "row":
            for raw_id in outcome.unexpected_ids:
                reason = outcome.reason or outcome.expectation
                reasons_by_id.setdefault(int(raw_id), []).append(reason)

    _write_quarantine(engine, dataset, first, last, raw, reasons_by_id)
    counted = Counter(reason for reasons in reasons_by_id.values() for reason in reasons)
    result = GateResult(dataset.name, len(raw), len(reasons_by_id), dict(counted))

    what = f"{dataset.name} for {first}" + ("" if first == last else f"..{last}")
    report.raise_for_failures(what, row_level_too=False)
    # Lines that could not even be parsed count against the batch too.
    unparseable = _unparseable(engine, dataset, first, last)
    rejected, total = len(reasons_by_id) + unparseable, len(raw) + unparseable
    if total and rejected / total > max_rejected_share:
        top = counted.most_common(3)
        raise ValidationFailed(
            f"validation of {what} failed: {rejected} of {total} rows ({rejected / total:.0%}) "
            f"were quarantined, more than the allowed {max_rejected_share:.0%} "
            "(NIGHTSHIFT_GATE_MAX_REJECTED_SHARE); top reasons: "
            + ", ".join(f"{reason} ({n})" for reason, n in top)
        )
    return result


def _unparseable(engine: Engine, dataset: Dataset, first: date, last: date) -> int:
    with engine.connect() as conn:
        value = conn.execute(
            sql("ops/load_unparseable"), {"first": first, "last": last, "source": dataset.name}
        ).scalar()
    return int(value or 0)


def _write_quarantine(
    engine: Engine,
    dataset: Dataset,
    first: date,
    last: date,
    raw: pd.DataFrame,
    reasons_by_id: dict[int, list[str]],
) -> None:
    """Replace the dates' gate rejects (parse rejects, raw_id null, belong to the load step)."""
    rejected = raw[raw["raw_id"].isin(reasons_by_id.keys())]
    payload = [c for c in rejected.columns if c not in ("raw_id", "business_date", "source_file")]
    rows = [
        (
            record["business_date"],
            int(record["raw_id"]),
            record["source_file"],
            "; ".join(reasons_by_id[int(record["raw_id"])]),
            json.dumps(
                {k: (None if pd.isna(record[k]) else record[k]) for k in payload},
                ensure_ascii=False,
            ),
        )
        for record in rejected.to_dict("records")
    ]
    table = psql.Identifier("quarantine", dataset.name)
    with driver_cursor(engine) as cursor:
        cursor.execute(
            psql.SQL(
                "delete from {} where business_date between %s and %s and raw_id is not null"
            ).format(table),
            (first, last),
        )
        execute_values(
            cursor,
            psql.SQL(
                "insert into {} (business_date, raw_id, source_file, reason, original) values %s"
            )
            .format(table)
            .as_string(cursor),
            rows,
            page_size=5000,
        )
        cursor.execute(
            psql.SQL(
                "update ops.loads l set rows_quarantined ="
                " (select count(*) from {} q where q.business_date = l.business_date)"
                " where l.business_date between %(first)s and %(last)s and l.source = %(source)s"
            ).format(table),
            {"first": first, "last": last, "source": dataset.name},
        )
