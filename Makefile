# Colloquy — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test fuzz-long typecheck lint format seed token bench clean

# The service's own dependencies (what `make run` needs).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# Plus pytest, ruff, schemathesis and friends (what `make test` needs).
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP)

## Install and start the service on the embedded store, with demo data and Swagger UI at /docs.
run: $(STAMP)
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Install, lint and run the whole test suite, with branch coverage of app/.
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n auto --cov --cov-report=term:skip-covered

## The contract run at depth: many random requests per operation (CI runs a few, fixed).
fuzz-long: $(TEST_STAMP)
	CONTRACT_EXAMPLES=$(or $(EXAMPLES),500) CONTRACT_RANDOM=1 \
		$(BIN)/pytest -q -n auto tests/contract/test_openapi.py

## Type-check app/ with mypy (settings in pyproject.toml).
typecheck: $(TEST_STAMP)
	$(BIN)/mypy

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Demo data into MONGO_URI (a real server), and a token for a user.
seed: $(STAMP)
	$(BIN)/colloquy seed

token: $(STAMP)
	$(BIN)/colloquy create-token $(or $(USER_ID),alice)

## Benchmarks (figures as ratios against an in-run baseline; docs/performance.md).
bench: $(TEST_STAMP)
	for script in scripts/bench/*_bench.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage htmlcov
