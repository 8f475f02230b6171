# Colloquy — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test fuzz-long lock typecheck lint format seed token bench clean

# Every dependency is installed from a lock file (exact versions and hashes), then the
# project itself without dependencies. Changed a dependency in pyproject.toml? `make lock`.
LOCK       := requirements.lock
TEST_LOCK  := requirements-test.lock
UV_VERSION := 0.13.8

# $(call install,LOCKFILE): the locks checked against pyproject.toml, then the venv, the
# locked dependencies and the project.
define install
	$(PYTHON) scripts/lockfile.py check
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(1)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@
endef

# The service's own dependencies (what `make run` needs).
$(STAMP): $(LOCK) pyproject.toml
	$(call install,$(LOCK))

# Plus pytest, ruff, schemathesis and friends (what `make test` needs).
$(TEST_STAMP): $(TEST_LOCK) pyproject.toml
	$(call install,$(TEST_LOCK))

## Pin every dependency of pyproject.toml, with hashes, for every platform and Python >= 3.11.
## Keeps the other pins; `make lock UPGRADE=1` moves every pin to the newest allowed.
COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --universal --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(COMPILE) --extra test -o $(TEST_LOCK)
	$(COMPILE) -c $(TEST_LOCK) -o $(LOCK)
	$(PYTHON) scripts/lockfile.py stamp

## Install and start the service on the embedded store, with demo data and Swagger UI at /docs.
run: $(STAMP)
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Install, lint, type-check and run the whole test suite, with branch coverage of app/.
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
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
