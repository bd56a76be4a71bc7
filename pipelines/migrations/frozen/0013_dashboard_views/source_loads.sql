-- Rows read, loaded, quarantined and published per dataset and night, for analysts and the
-- Grafana dashboards (ops.loads is restricted: it names files and checksums).
create or replace view analytics.source_loads as
select
    business_date,
    source,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_published,
    case
        when rows_read > 0 then rows_quarantined::double precision / rows_read
    end as quarantine_rate,
    duration_s,
    loaded_at
from ops.loads;

comment on view analytics.source_loads is
    'One row per business date and dataset: the load and gate counts (ops.loads).';
comment on column analytics.source_loads.quarantine_rate is
    'Share of the rows read that the gate quarantined; NULL until the gate ran or when nothing '
    'was read.';
