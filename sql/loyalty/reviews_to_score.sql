-- Tonight's reviews, plus any review of the last :backlog_days days that has no score yet
-- (the first night, or nights when scoring failed).
select r.review_id, r.business_date, r.store_id, r.text
from core.reviews r
left join loyalty.review_scores s using (review_id)
where r.business_date = :business_date
   or (s.review_id is null
       and r.business_date between cast(:business_date as date) - :backlog_days
                               and :business_date)
order by r.business_date, r.review_id
