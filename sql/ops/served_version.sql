-- The model version that served the latest decided night in :first..:last: the challenger
-- when it was promoted, else the champion it was compared with (or reused). With :trained_only,
-- only nights that trained a challenger count (a reuse registers no new version).
select business_date, challenger_version,
       case when promoted then challenger_version else champion_version end as version
from ops.model_promotions
where model_name = :model_name
  and business_date between :first and :last
  and (case when promoted then challenger_version else champion_version end) is not null
  and (not :trained_only or challenger_version is distinct from champion_version)
order by business_date desc
limit 1
