-- Every data-quality figure of the latest night, per dataset.
select
    source,
    metric,
    detail,
    value,
    business_date::timestamp at time zone 'UTC' as time
from monitoring.data_quality
where business_date = (select max(business_date) from monitoring.data_quality)
order by source, metric, detail
