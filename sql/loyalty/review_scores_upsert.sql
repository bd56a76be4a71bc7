insert into loyalty.review_scores
    (review_id, business_date, store_id, label, p_negative, p_neutral, p_positive, sentiment,
     model_version)
values
    (:review_id, :business_date, :store_id, :label, :p_negative, :p_neutral, :p_positive,
     :sentiment, :model_version)
on conflict (review_id) do update set
    business_date = excluded.business_date,
    store_id      = excluded.store_id,
    label         = excluded.label,
    p_negative    = excluded.p_negative,
    p_neutral     = excluded.p_neutral,
    p_positive    = excluded.p_positive,
    sentiment     = excluded.sentiment,
    model_version = excluded.model_version
