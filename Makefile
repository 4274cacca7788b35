# Two commands for a fresh machine: `make run` starts the bot, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Our packages, compiled to bytecode at install so the first `krokodil` start is quick too
# (an editable install compiles them only on first import, and not at all where
# PYTHONDONTWRITEBYTECODE is set).
PACKAGES := bot core handlers directory scheduler handovers knelpunten reports migrations

.PHONY: run test lint typecheck unit bench image clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m compileall -q -j 0 $(PACKAGES)
	touch $(STAMP)

## run: install, migrate, load the demo directory on first start and open the console chat
run: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 $(PACKAGES)
	@$(BIN)/krokodil db upgrade >/dev/null
	@$(BIN)/krokodil run

## test: lint, type checks and the test suite on SQLite and PostgreSQL
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m tests.run_suites

bench: $(STAMP)
	$(BIN)/python -m bench

## image: the container image (docs/deploy.md); BASE_IMAGE=… for another base, e.g. the
## offline one: make image BASE_IMAGE=$$(deploy/local-base.sh)
IMAGE ?= krokodil:0.1.0
image:
	docker build $(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) --tag $(IMAGE) .

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
