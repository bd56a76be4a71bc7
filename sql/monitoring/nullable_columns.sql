-- Nullable columns of the core tables (their NULL shares are a data-quality figure).
select table_name, column_name
from information_schema.columns
where table_schema = 'core' and is_nullable = 'YES' and table_name = any(:tables)
order by table_name, ordinal_position
