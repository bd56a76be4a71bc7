# Every routine command. CI and people use the same targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TORCH := torch==2.13.0
# Which torch build `make setup` installs: cpu (the default: this machine, CI, the lock) or
# cuda (a GPU machine: the CUDA wheel from PyTorch's index, which needs download.pytorch.org;
# the lock pins torch's CPU build, so only torch and the CUDA runtime it pulls differ). The
# choice is remembered in the venv: later make calls keep it unless given another.
TORCH_VARIANT ?= $(or $(shell cat $(VENV)/.torch-variant 2>/dev/null),cpu)
TORCH_CUDA_INDEX ?= https://download.pytorch.org/whl/cu128
ifeq ($(filter $(TORCH_VARIANT),cpu cuda),)
$(error TORCH_VARIANT must be cpu or cuda, not '$(TORCH_VARIANT)')
endif
# Re-install only when the lock, the project metadata or the torch variant changes.
STAMP := $(VENV)/.installed$(if $(filter cuda,$(TORCH_VARIANT)),-cuda,)
# The demo's logical date: it processes the business day before it.
DEMO_DATE ?= 2026-11-22

.DEFAULT_GOAL := help
.PHONY: help setup system-deps demo test test-fast test-faults lint format lock dashboards bench bench-ingest bench-models bench-growth bench-nightly bench-plans airflow airflow-stop backfill mlflow-ui monitor db-start db-stop clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): requirements/lock.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@rm -f $(VENV)/.installed $(VENV)/.installed-cuda
	$(BIN)/python -m pip install --quiet --upgrade pip
ifeq ($(TORCH_VARIANT),cuda)
	@# The CUDA wheel from PyTorch's index, then the lock without its CPU torch pin.
	$(BIN)/python -m pip install --quiet "$(TORCH)" --index-url $(TORCH_CUDA_INDEX)
	grep -v '^torch==' requirements/lock.txt > $(VENV)/lock-without-torch.txt
	$(BIN)/python -m pip install --quiet -r $(VENV)/lock-without-torch.txt
else
	@# torch first: this machine's CPU wheel; otherwise pip would pull the CUDA build.
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
endif
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@echo $(TORCH_VARIANT) > $(VENV)/.torch-variant
	@touch $@

setup: $(STAMP) ## Create .venv and install the locked dependencies (TORCH_VARIANT=cuda: GPU torch)

# Debian programs the tests drive for real, as command:package.
SYSTEM_TOOLS := chromium:chromium redis-server:redis-server promtool:prometheus \
	prometheus-pushgateway:prometheus-pushgateway
system-deps: ## Install the Debian programs the tests use (browser, Redis, Prometheus), when missing
	@missing=""; for tool in $(SYSTEM_TOOLS); do \
		command -v "$${tool%%:*}" >/dev/null || missing="$$missing $${tool##*:}"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
			echo "missing Debian packages:$$missing (install them as root: apt-get install -y$$missing)"; exit 2; fi; \
		echo "installing Debian packages:$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: setup ## Simulate a few weeks (reused), then one nightly pass through Airflow on embedded PostgreSQL
	$(BIN)/nightshift demo --date $(DEMO_DATE)

test: setup system-deps ## Run the test suite (what CI runs): all but the 30-night `faults` run
	$(BIN)/pytest -m "not faults"

test-fast: setup system-deps ## Tests without the slow tier
	$(BIN)/pytest -m "not slow and not faults"

test-faults: setup system-deps ## The `faults` tier: two 30-night backfills must give bit-identical tables (long)
	$(BIN)/pytest -m faults

lint: setup ## ruff + mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup ## Apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: setup ## Re-resolve requirements/lock.txt from pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --extra dev --no-emit-index-url \
		--no-emit-find-links -o requirements/lock.txt pyproject.toml

dashboards: setup ## Regenerate the Grafana dashboards (docker/grafana/dashboards) from their panels' SQL
	$(BIN)/python -m pipelines.monitoring.dashboards

bench: bench-ingest bench-models bench-nightly bench-plans bench-growth ## Run every benchmark (numbers go to bench/README.md by hand)

bench-ingest: setup ## 1M POS lines: load and GX gate vs psql \copy
	$(BIN)/python bench/ingest.py

bench-models: setup ## Traffic RNN training, review sentiment scoring/fine-tune throughput (CPU; GPU if any)
	$(BIN)/python bench/models.py

bench-growth: setup ## Replace one night at 1, 2 and 4 years of history: time ratios (long; scale in bench/growth.py)
	$(BIN)/python bench/growth.py

bench-plans: setup ## Plans in a closed loop on the simulator: staffing vs baselines, promotion intervals and margins
	$(BIN)/python bench/plans.py

bench-nightly: setup ## 20 stores x 2 years: cold retrain, one night per task, backfill vs single nights (long)
	$(BIN)/python bench/nightly.py

airflow: setup ## Real Airflow scheduler + UI on the embedded PostgreSQL (http://localhost:8080; Ctrl-C stops); EXECUTOR=celery adds Redis + Celery workers
	$(BIN)/nightshift services up $(if $(EXECUTOR),--executor $(EXECUTOR))

airflow-stop: setup ## Stop the services of `make airflow` (e.g. after `nightshift services up --detach`)
	$(BIN)/nightshift services down

backfill: setup ## Backfill nights START..END (logical dates, YYYY-MM-DD) on the running `make airflow`
	@test -n "$(START)" -a -n "$(END)" || { echo "usage: make backfill START=YYYY-MM-DD END=YYYY-MM-DD"; exit 2; }
	$(BIN)/nightshift backfill --start $(START) --end $(END)

mlflow-ui: setup ## Open the MLflow UI on the configured tracking store (http://127.0.0.1:5000)
	$(BIN)/mlflow ui --backend-store-uri "$$($(BIN)/python -c 'from pipelines.settings import get_settings; print(get_settings().tracking_uri)')" --host 127.0.0.1 --port 5000

monitor: setup ## Evidently UI on the monitoring workspace: a project per model, dashboards across nights (http://127.0.0.1:8000)
	$(BIN)/nightshift monitor ui --host 127.0.0.1 --port $(or $(MONITOR_PORT),8000)

db-start: setup ## Start the embedded PostgreSQL
	$(BIN)/nightshift db start

db-stop: setup ## Stop the embedded PostgreSQL
	$(BIN)/nightshift db stop

clean: ## Stop Airflow and the embedded database, delete local state (.nightshift) — not the venv
	-$(BIN)/nightshift services down
	-$(BIN)/nightshift db stop
	rm -rf .nightshift
