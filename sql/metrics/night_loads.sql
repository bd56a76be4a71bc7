-- Rows read, loaded, quarantined and published per dataset for the night.
select source, rows_read, rows_loaded, rows_quarantined, rows_published
from ops.loads
where business_date = :business_date
order by source
