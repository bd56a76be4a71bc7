-- Share of NULL values per dataset (and column, when the check names one), per night.
select
    business_date::timestamp at time zone 'UTC' as time,
    source || coalesce('.' || detail, '') as metric,
    value
from monitoring.data_quality
where metric = 'null_share'
order by time, metric
