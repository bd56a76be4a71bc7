# The nightshift image: Airflow 3 + the pipelines package + models, on the locked dependencies.
# Used by every Airflow service and by the MLflow server in docker-compose.yml.
#   docker build .                                   # torch's CPU build (the default)
#   docker build --build-arg TORCH_VARIANT=cuda \
#     --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128 -t nightshift:cuda .
# The CUDA image needs no CUDA base image: the wheel brings the CUDA runtime (nvidia-*
# packages); the host needs the NVIDIA driver and the NVIDIA Container Toolkit
# (docker-compose.gpu.yml).
FROM python:3.11-slim-bookworm

ARG TORCH_VARIANT=cpu
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu

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
# Dependencies first, so code changes do not reinstall them. The lock pins torch's CPU build,
# which the PyTorch CPU index serves without the CUDA wheels. TORCH_VARIANT=cuda installs the
# same torch version from TORCH_INDEX (a CUDA index) and the rest of the lock without its pin.
COPY requirements/lock.txt requirements/lock.txt
RUN set -eu; \
    if [ "$TORCH_VARIANT" = cuda ]; then \
        version="$(sed -n 's/^torch==\([0-9.]*\).*/\1/p' requirements/lock.txt)"; \
        pip install --index-url "$TORCH_INDEX" "torch==$version"; \
        grep -v '^torch==' requirements/lock.txt > requirements/lock-without-torch.txt; \
        pip install -r requirements/lock-without-torch.txt; \
    elif [ "$TORCH_VARIANT" = cpu ]; then \
        pip install --extra-index-url "$TORCH_INDEX" -r requirements/lock.txt; \
    else \
        echo "TORCH_VARIANT must be cpu or cuda, not $TORCH_VARIANT" >&2; exit 2; \
    fi

COPY . .
RUN pip install --no-deps -e . && chown -R airflow /opt/nightshift

USER airflow
