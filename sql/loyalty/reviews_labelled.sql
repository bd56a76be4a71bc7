-- Reviews with their star rating (the sentiment label) in a window of business dates.
select review_id, store_id, ts_local as ts, rating, language, text
from core.reviews
where business_date between :first and :last
order by ts_local, review_id
