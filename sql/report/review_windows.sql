-- A store's reviews over the 7 days up to :business_date ('current') and the 7 days before
-- ('previous'), with both sentiment sources (model score, rating mapped 1..5 -> -1..1) so the
-- caller can compare the two weeks on the same source. A review is negative by its model label
-- when scored, else by a rating of 1 or 2.
select case
           when r.business_date > cast(:business_date as date) - 7 then 'current'
           else 'previous'
       end as period,
       count(*) as reviews,
       count(s.review_id) as scored,
       avg(s.sentiment) as model_sentiment,
       avg((r.rating - 3) / 2.0) as rating_sentiment,
       count(*) filter (where coalesce(s.label = 'negative', r.rating <= 2)) as negative
from core.reviews r
left join loyalty.review_scores s using (review_id)
where r.store_id = :store_id
  and r.business_date between cast(:business_date as date) - 13 and :business_date
group by 1
