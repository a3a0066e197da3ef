# chudong: `make run` starts the whole system (options: `make run ARGS="--free-ports"`);
# `make test` runs the checks and tests.
# Both create .venv and install what they need when it is missing or pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install chromium oidc-provider screenshots run test test-slow lint typecheck catalogue catalogs clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

# The browser tests drive Debian's chromium (Playwright cannot download its own browsers here).
CHROMIUM := $(firstword $(wildcard /usr/bin/chromium /usr/bin/chromium-browser))

install: $(STAMP)

chromium:
ifeq ($(CHROMIUM),)
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core >/dev/null; \
	else echo "chromium not found: install Debian's chromium for the browser tests (make test-slow)"; fi
endif

# The OpenID tests sign in at a real provider: the certified oidc-provider package (npm), run with Node.js.
OIDC_FIXTURE := tests/identity/oidc
oidc-provider: $(OIDC_FIXTURE)/node_modules/.installed

$(OIDC_FIXTURE)/node_modules/.installed: $(OIDC_FIXTURE)/package.json $(OIDC_FIXTURE)/package-lock.json
	@command -v npm >/dev/null || { if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null; \
	  else echo "npm not found: install Node.js (20 or later) and npm for the OpenID tests"; exit 1; fi; }
	cd $(OIDC_FIXTURE) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Options for chudong run: make run ARGS="--free-ports" (or "--cluster", "--log-dir logs", …).
run: install
	$(BIN)/chudong run $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint typecheck chromium oidc-provider
	$(BIN)/pytest

test-slow: install chromium oidc-provider
	$(BIN)/pytest -m slow || [ $$? -eq 5 ]  # 5: no slow test selected

# The dashboard's pages in docs/dashboard/, each in both languages, taken by the browser tests against the
# demo district (only here: a plain test run writes them to a temporary directory).
screenshots: install chromium
	CHUDONG_SCREENSHOTS_DIR=$(CURDIR)/docs/dashboard $(BIN)/pytest -m slow tests/dashboard/test_browser.py tests/dashboard/test_browser_languages.py \
		tests/dashboard/test_officer_day_one.py

# People-facing text: extract new message ids into the .po files, then compile them (after translating).
catalogs: install
	$(BIN)/python -m shared.i18n.catalogs update
	$(BIN)/python -m shared.i18n.catalogs compile
	$(BIN)/python -m shared.i18n.catalogs check

catalogue: install
	$(BIN)/chudong catalogue --out docs/events/asyncapi.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .chudong $(OIDC_FIXTURE)/node_modules
