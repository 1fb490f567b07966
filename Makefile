# Two commands on a fresh machine: `make run` serves the API, `make test` passes the tests.
# Both create .venv and install what they need; nothing else is assumed but Python ≥ 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The core alone (`kommune-kpi[testing]` and pytest): its tests run there too, which
# proves at run time that it needs nothing of the service.
CORE_VENV := .venv-core
CORE_STAMP := $(CORE_VENV)/.installed

.PHONY: run test bench fuzz install schema lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(CORE_STAMP): pyproject.toml
	$(PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CORE_VENV)/bin/python -m pip install --quiet -e '.[testing]' pytest
	touch $(CORE_STAMP)

install: $(STAMP)

# `make run PORT=8080 HOST=0.0.0.0`; DEMO_ARGS go to `kpi demo` (e.g. "--from-year 2024").
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ARGS ?=

run: $(STAMP)
	$(BIN)/kpi demo $(DEMO_ARGS)    # SYNTHETIC data for a new database; a no-op once loaded
	$(BIN)/kpi serve --host '$(HOST)' --port '$(PORT)'

test: $(STAMP) $(CORE_STAMP)
	scripts/ensure-postgres.sh
	scripts/ensure-chromium.sh
	scripts/ensure-fonts.sh
	scripts/ensure-node-tools.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/kpi export-schema --check
	$(CORE_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/core kpi_core
	$(BIN)/python -m pytest

bench: $(STAMP)
	scripts/ensure-postgres.sh
	scripts/ensure-wrk.sh
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.api_bench
	$(BIN)/python -m bench.upkeep_bench  # on the full database api_bench loaded

# The long robustness runs (see SECURITY.md): generated queries and requests, kill -9
# imports, concurrent writers, distinct queries against memory growth. Prints the counts.
fuzz: $(STAMP)
	scripts/ensure-postgres.sh
	FUZZ_EXAMPLES=10000 KPI_FUZZ_KILLS=100 KPI_FUZZ_TRANSACTIONS=500 KPI_FUZZ_DISTINCT=10000 \
	  KPI_FUZZ_LOAD_FROM_YEAR=2010 KPI_FUZZ_LOAD_SECONDS=60 \
	  $(BIN)/python -m pytest -s tests/fuzz tests/security tests/api/test_import_crash.py

schema: $(STAMP)
	$(BIN)/kpi export-schema

clean:
	rm -rf $(VENV) $(CORE_VENV) .pytest_cache .hypothesis build *.egg-info
