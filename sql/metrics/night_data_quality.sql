-- The night's data-quality figures per dataset (monitoring.data_quality).
select source, metric, coalesce(detail, '') as detail, value
from monitoring.data_quality
where business_date = :business_date and value is not null
order by source, metric, detail
