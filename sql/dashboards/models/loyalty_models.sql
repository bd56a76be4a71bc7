-- Review sentiment (macro-F1) and churn (ROC AUC, Brier score) over the chain, per night.
select
    business_date::timestamp at time zone 'UTC' as time,
    model_name || ' ' || metric as metric,
    value
from monitoring.model_performance
where scope = 'chain'
    and (model_name, metric) in (
        ('review_sentiment', 'macro_f1'), ('customer_churn', 'auc'), ('customer_churn', 'brier')
    )
order by time, metric
