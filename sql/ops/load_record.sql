-- psycopg2 pyformat parameters: this statement runs on the raw COPY connection.
insert into ops.loads
    (business_date, source, source_file, checksum, rows_read, rows_loaded, rows_quarantined,
     rows_published, duration_s, loaded_at)
values
    (%(business_date)s, %(source)s, %(source_file)s, %(checksum)s, %(rows_read)s,
     %(rows_loaded)s, null, null, %(duration_s)s, clock_timestamp())
on conflict (business_date, source) do update set
    source_file      = excluded.source_file,
    checksum         = excluded.checksum,
    rows_read        = excluded.rows_read,
    rows_loaded      = excluded.rows_loaded,
    rows_quarantined = null,
    rows_published   = null,
    duration_s       = excluded.duration_s,
    loaded_at        = excluded.loaded_at
