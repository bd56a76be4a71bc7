-- Reviews of business dates :first..:last with their star rating (the truth) and the label the
-- night's sentiment model gave them.
select s.review_id, s.business_date, s.store_id, s.label as predicted, r.rating,
       s.model_version
from loyalty.review_scores s
join core.reviews r using (review_id)
where s.business_date between :first and :last
order by s.review_id
