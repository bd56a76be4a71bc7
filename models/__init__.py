"""Model code: the traffic RNN, the sales random forest, and sentiment + loyalty.

Each model lives in its own subpackage (``models.traffic``, ``models.sales``,
``models.loyalty``) with pure training/inference code; the pipeline stages in ``pipelines``
feed it data and log the results to MLflow. Trained artifacts live only in MLflow.
"""
