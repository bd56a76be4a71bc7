# The nightshift image: Airflow 3 + the pipelines package + models, on the locked dependencies.
# Used by every Airflow service and by the MLflow server in docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    HF_HUB_OFFLINE=1 \
    MLFLOW_DISABLE_TELEMETRY=true

RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 50000 --home-dir /opt/airflow airflow \
    && mkdir -p /var/lib/nightshift && chown airflow /var/lib/nightshift

WORKDIR /opt/nightshift
# Dependencies first, so code changes do not reinstall them. The lock pins torch's CPU build;
# the PyTorch CPU index serves it without the CUDA wheels. A GPU worker image swaps this index
# for the CUDA one.
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements/lock.txt
# The GPU worker's image (docker-compose.yml, airflow-worker-gpu): the same torch version in its
# CUDA build, e.g. --build-arg TORCH_VARIANT=cu128.
ARG TORCH_VARIANT=cpu
RUN if [ "$TORCH_VARIANT" != "cpu" ]; then \
        pip install --force-reinstall --index-url "https://download.pytorch.org/whl/$TORCH_VARIANT" \
            --extra-index-url https://pypi.org/simple \
            "torch==$(pip show torch | sed -n 's/^Version: \([0-9.]*\).*/\1/p')"; \
    fi

COPY . .
RUN pip install --no-deps -e . && chown -R airflow /opt/nightshift

USER airflow
