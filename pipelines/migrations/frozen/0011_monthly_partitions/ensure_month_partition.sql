-- The month partition of a table partitioned by month (migration 0011) for a day, created when
-- missing. Writers call it before replacing a date, so a new month never fails a night. Rows of
-- that month that landed in the table's default partition meanwhile (a writer that did not ask
-- first) move into the new partition. Nights running side by side may ask for the same month at
-- once: the first creates it under a lock, the others find it.
create or replace function ops.ensure_month_partition(parent regclass, day date)
returns text
language plpgsql
as $$
declare
    month_start date := date_trunc('month', day)::date;
    month_end date := (date_trunc('month', day) + interval '1 month')::date;
    parent_schema text;
    parent_name text;
    partition_name text;
    qualified text;
    default_partition text;
    key_column text;
begin
    select n.nspname, c.relname into parent_schema, parent_name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = parent;
    partition_name := parent_name || '_' || to_char(month_start, 'YYYYMM');
    -- Names are quoted with quote_ident/quote_literal: this file runs through a driver that
    -- would read format()'s placeholders as its own.
    qualified := quote_ident(parent_schema) || '.' || quote_ident(partition_name);
    if to_regclass(qualified) is not null then
        return partition_name;
    end if;
    perform pg_advisory_xact_lock(hashtext('nightshift.partition:' || parent::text));
    if to_regclass(qualified) is not null then
        return partition_name;
    end if;
    select a.attname into key_column
    from pg_partitioned_table p
    join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
    where p.partrelid = parent;
    if key_column is null then
        raise exception using message = parent::text || ' is not partitioned';
    end if;
    execute 'create table ' || qualified || ' (like ' || parent::text
            || ' including defaults including constraints)';
    default_partition := quote_ident(parent_schema) || '.' || quote_ident(parent_name || '_default');
    if to_regclass(default_partition) is not null then
        execute 'with moved as (delete from ' || default_partition
                || ' where ' || quote_ident(key_column) || ' >= ' || quote_literal(month_start)
                || ' and ' || quote_ident(key_column) || ' < ' || quote_literal(month_end)
                || ' returning *) insert into ' || qualified || ' select * from moved';
    end if;
    execute 'alter table ' || parent::text || ' attach partition ' || qualified
            || ' for values from (' || quote_literal(month_start) || ') to ('
            || quote_literal(month_end) || ')';
    return partition_name;
end
$$;
