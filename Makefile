# Colloquy — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint format seed token bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Install and start the service on the embedded store, with demo data and Swagger UI at /docs.
run: $(STAMP)
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## Install, lint and run the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Demo data into MONGO_URI (a real server), and a token for a user.
seed: $(STAMP)
	$(BIN)/flask --app wsgi seed

token: $(STAMP)
	$(BIN)/flask --app wsgi create-token $(or $(USER_ID),alice)

## Benchmarks (figures as ratios against an in-run baseline).
bench: $(STAMP)
	for script in scripts/bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
