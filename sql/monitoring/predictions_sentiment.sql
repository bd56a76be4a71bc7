-- The sentiment model's scores of the reviews of business dates :first..:last.
select sentiment as prediction, label
from loyalty.review_scores
where business_date between :first and :last
order by review_id
