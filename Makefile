# Two commands on a fresh machine: `make run` serves the API, `make test` passes the tests.
# Both create .venv and install what they need; nothing else is assumed but Python ≥ 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench fuzz install schema lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kpi demo    # SYNTHETIC data for a new database; a no-op once loaded
	$(BIN)/kpi serve

test: $(STAMP)
	scripts/ensure-postgres.sh
	scripts/ensure-chromium.sh
	$(BIN)/lint-imports
	$(BIN)/kpi export-schema --check
	$(BIN)/python -m pytest

bench: $(STAMP)
	scripts/ensure-postgres.sh
	scripts/ensure-wrk.sh
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.api_bench

# The long robustness runs (see SECURITY.md): generated queries and requests, kill -9
# imports, concurrent writers, distinct queries against memory growth. Prints the counts.
fuzz: $(STAMP)
	scripts/ensure-postgres.sh
	FUZZ_EXAMPLES=10000 KPI_FUZZ_KILLS=100 KPI_FUZZ_TRANSACTIONS=500 KPI_FUZZ_DISTINCT=10000 \
	  $(BIN)/python -m pytest -s tests/fuzz tests/security tests/api/test_import_crash.py

schema: $(STAMP)
	$(BIN)/kpi export-schema

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
