-- Tonight's churn scores with each customer's negative reviews of the last 30 days (the sentiment
-- model's label). customer_id is only a join key here: customers leave this query by their
-- pseudonymous customer_key alone.
with negative as (
    select k.customer_key, count(*) as negative_reviews_30d
    from loyalty.review_scores s
    join core.reviews r on r.review_id = s.review_id
    join loyalty.customer_keys k on k.customer_id = r.customer_id
    where s.label = 'negative'
      and s.business_date between cast(:business_date as date) - 29 and :business_date
    group by k.customer_key
)
select c.customer_key::text as customer_key,
       c.store_id,
       c.p_return_30d,
       c.monetary_90d,
       coalesce(n.negative_reviews_30d, 0) as negative_reviews_30d,
       c.model_version
from loyalty.churn_scores c
left join negative n on n.customer_key = c.customer_key
where c.run_date = :business_date
order by c.customer_key
