# chudong: `make run` starts the whole system; `make test` runs the checks and tests.
# Both create .venv and install what they need when it is missing or pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install run test test-slow lint typecheck catalogue clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/chudong run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint typecheck
	$(BIN)/pytest

test-slow: install
	$(BIN)/pytest -m slow || [ $$? -eq 5 ]  # 5: no slow test selected

catalogue: install
	$(BIN)/chudong catalogue --out docs/events/asyncapi.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .chudong
