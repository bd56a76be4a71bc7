-- Members' reviews with the sentiment model's score where the review has been scored; the
-- caller decides which scores to use (pipelines.training.churn.reviews_at).
select r.customer_id, r.ts_local as ts, r.rating, r.text, s.sentiment as model_sentiment,
       (s.label = 'negative') as model_negative
from core.reviews r
left join loyalty.review_scores s using (review_id)
where r.customer_id is not null
  and r.business_date between :first and :last
order by r.customer_id, r.ts_local, r.review_id
