"""Load a parsed export into raw.<dataset> with PostgreSQL COPY, replacing that business date.

One transaction: delete the date's raw rows and parse rejects, COPY the new rows, record the
parse rejects in quarantine, and log the load in ops.loads. A crash anywhere leaves the previous
state of that date untouched; a re-run gives the same rows.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg2 import sql as psql
from sqlalchemy import Engine

from pipelines.db.copy import driver_cursor
from pipelines.db.partitions import ensure_months
from pipelines.ingest.parse import ParsedExport
from pipelines.sources.datasets import Dataset
from pipelines.sqlfiles import sql


@dataclass(frozen=True)
class LoadResult:
    dataset: str
    rows_read: int
    rows_loaded: int
    rows_rejected_at_parse: int
    duration_s: float

    def to_ref(self) -> dict[str, int | float | str]:
        return self.__dict__.copy()


def _csv_payload(table: pa.Table) -> io.BytesIO:
    buffer = io.BytesIO()
    # Quote every non-null value so empty strings stay distinct from NULLs in COPY's CSV format.
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    # One chunk per column: pyarrow 25's CSV writer garbles (NUL bytes, shifted values) a
    # table whose columns are chunked differently, as a filtered table's can be.
    pacsv.write_csv(table.combine_chunks(), buffer, write_options=options)
    buffer.seek(0)
    return buffer


def copy_into_raw(
    engine: Engine,
    dataset: Dataset,
    business_date: date,
    source_file: str,
    checksum: str,
    parsed: ParsedExport,
) -> LoadResult:
    started = time.perf_counter()
    header = "true" if parsed.clean_csv is not None else "false"
    payload = (
        io.BytesIO(parsed.clean_csv) if parsed.clean_csv is not None else _csv_payload(parsed.table)
    )
    copy = psql.SQL(
        "copy {table} ({columns}) from stdin with (format csv, header {header})"
    ).format(
        table=psql.Identifier("raw", dataset.name),
        columns=psql.SQL(", ").join(map(psql.Identifier, dataset.columns)),
        header=psql.SQL(header),
    )
    raw_table = psql.Identifier("raw", dataset.name)
    quarantine = psql.Identifier("quarantine", dataset.name)
    ensure_months(engine, [f"raw.{dataset.name}"], [business_date])
    with driver_cursor(engine) as cursor:
        # Column defaults of raw.* read these (see migration 0002).
        cursor.execute(
            "select set_config('nightshift.business_date', %s, true),"
            " set_config('nightshift.source_file', %s, true)",
            (business_date.isoformat(), source_file),
        )
        cursor.execute(
            psql.SQL("delete from {} where business_date = %s").format(raw_table),
            (business_date,),
        )
        cursor.execute(
            psql.SQL("delete from {} where business_date = %s").format(quarantine),
            (business_date,),
        )
        cursor.copy_expert(copy.as_string(cursor), payload, size=1 << 20)
        if parsed.rejected:
            cursor.executemany(
                psql.SQL(
                    "insert into {} (business_date, raw_id, source_file, reason, original)"
                    " values (%s, null, %s, %s, %s)"
                ).format(quarantine),
                [
                    (business_date, source_file, reason, json.dumps(original))
                    for reason, original in parsed.rejected
                ],
            )
        duration = time.perf_counter() - started
        cursor.execute(
            str(sql("ops/load_record").text),
            {
                "business_date": business_date,
                "source": dataset.name,
                "source_file": source_file,
                "checksum": checksum,
                "rows_read": parsed.rows_read,
                "rows_loaded": parsed.table.num_rows,
                "duration_s": duration,
            },
        )
    return LoadResult(
        dataset.name, parsed.rows_read, parsed.table.num_rows, len(parsed.rejected), duration
    )
