-- Scores of a date's reviews that its latest export no longer contains.
delete from loyalty.review_scores s
where s.business_date = :business_date
  and not exists (select 1 from core.reviews r where r.review_id = s.review_id)
