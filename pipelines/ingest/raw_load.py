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


def _csv_payload(table: pa.Table, business_date: date, source_file: str) -> io.BytesIO:
    n = table.num_rows
    framed = pa.table(
        {
            "business_date": pa.array([business_date.isoformat()] * n, type=pa.string()),
            "source_file": pa.array([source_file] * n, type=pa.string()),
            **{name: table[name] for name in table.column_names},
        }
    )
    buffer = io.BytesIO()
    # Quote every non-null value so empty strings stay distinct from NULLs in COPY's CSV format.
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    pacsv.write_csv(framed, buffer, write_options=options)
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
    payload = _csv_payload(parsed.table, business_date, source_file)
    columns = ["business_date", "source_file", *dataset.columns]
    copy = psql.SQL("copy {table} ({columns}) from stdin with (format csv)").format(
        table=psql.Identifier("raw", dataset.name),
        columns=psql.SQL(", ").join(map(psql.Identifier, columns)),
    )
    raw_table = psql.Identifier("raw", dataset.name)
    quarantine = psql.Identifier("quarantine", dataset.name)
    with driver_cursor(engine) as cursor:
        cursor.execute(
            psql.SQL("delete from {} where business_date = %s").format(raw_table),
            (business_date,),
        )
        cursor.execute(
            psql.SQL("delete from {} where business_date = %s").format(quarantine),
            (business_date,),
        )
        cursor.copy_expert(copy.as_string(cursor), payload)
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
