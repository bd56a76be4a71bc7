-- Texts of a store's negative reviews over the 7 days up to :business_date (negative by model
-- label when scored, else by a rating of 1 or 2), for complaint themes.
select r.text
from core.reviews r
left join loyalty.review_scores s using (review_id)
where r.store_id = :store_id
  and r.business_date between cast(:business_date as date) - 6 and :business_date
  and coalesce(s.label = 'negative', r.rating <= 2)
order by r.review_id
