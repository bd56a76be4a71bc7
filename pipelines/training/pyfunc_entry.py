"""MLflow's pyfunc entry point for nightshift's models ("models from code": MLflow stores this
file with each model version instead of a pickled Python object).

Only MLflow's own tools run it (``mlflow.pyfunc.load_model``, ``mlflow models serve``); it
reads the payload with the same safe loader as the pipeline (``mlflow_models.load_saved``).
"""

import mlflow

from pipelines.training.mlflow_models import NightshiftPyfunc

mlflow.models.set_model(NightshiftPyfunc())
