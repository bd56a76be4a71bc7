-- The model version that served the latest decided night in :first..:last: the challenger
-- when it was promoted, else the champion it was compared with (or reused).
select business_date, challenger_version,
       case when promoted then challenger_version else champion_version end as version
from ops.model_promotions
where model_name = :model_name
  and business_date between :first and :last
  and (case when promoted then challenger_version else champion_version end) is not null
order by business_date desc
limit 1
