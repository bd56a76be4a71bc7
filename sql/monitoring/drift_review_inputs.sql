-- The sentiment model's inputs: the reviews of business dates :first..:last (their length in
-- characters and words, their language) and their star rating (what the label comes from).
select char_length(text)::float8 as text_length,
       coalesce(array_length(regexp_split_to_array(trim(text), '\s+'), 1), 0)::float8 as words,
       language,
       rating::text as rating
from core.reviews
where business_date between :first and :last
order by review_id
