# Fresh-machine entry points: `make run` (demo service) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# `make run PORT=8741` or `ODYSSEE_PORT=8741 make run` (likewise ODYSSEE_HOST, ODYSSEE_DATA_DIR).
DATA   ?= $(or $(ODYSSEE_DATA_DIR),data)
HOST   ?= $(or $(ODYSSEE_HOST),127.0.0.1)
PORT   ?= $(or $(ODYSSEE_PORT),8000)

.PHONY: install run demo test fuzz lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# HOST and PORT only make the printed sign-in example point where `make run` serves.
demo: install
	ODYSSEE_HOST=$(HOST) ODYSSEE_PORT=$(PORT) $(BIN)/odyssee demo --data-dir $(DATA)

run: demo
	$(BIN)/odyssee serve --data-dir $(DATA) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

# Long random runs: the property and schema fuzz tests with fresh randomness (not part of CI).
fuzz: install
	ODYSSEE_HYPOTHESIS_PROFILE=random $(BIN)/python -m pytest -q -p no:cacheprovider \
	  tests/service/test_schema_fuzz.py tests/service/test_public_fuzz.py tests/service/producers/test_public_fuzz.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python -m tools.bench all

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache
