-- What each dataset's load and gate did on the business date (ops.loads).
select source, rows_read, rows_loaded, rows_quarantined, rows_published, duration_s
from ops.loads
where business_date = :business_date
order by source
