# Trainer: `make run` serves a demo on http://127.0.0.1:5000; `make test` runs what CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export TRAINER_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test lint typecheck lock lock-check setup setup-dev chromium xmlsec1 browser-js idp-js clean bench screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Python packages come from the lock files only (exact versions, sha256 hashes): run.txt for
# the app, dev.txt for tests and checkers. Both are exported from uv.lock by `make lock`.
# The stamp files record the last install, so a changed lock reinstalls.
RUN_LOCK := requirements/run.txt
DEV_LOCK := requirements/dev.txt
PIP := $(BIN)/pip --quiet --disable-pip-version-check

$(VENV)/.run-deps: $(RUN_LOCK) pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r $(RUN_LOCK)
	$(PIP) install --no-deps -e .
	touch $@

$(VENV)/.dev-deps: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r $(DEV_LOCK)
	$(PIP) install --no-deps -e .
	touch $@ $(VENV)/.run-deps

setup: $(VENV)/.run-deps
setup-dev: $(VENV)/.dev-deps

run: setup
	$(BIN)/trainer db upgrade
	@# Never reverts a web edit; a file in conflict with one is listed and skipped (docs/authoring.md).
	$(BIN)/trainer courses import courses || echo "make run: the files listed above were not imported; Trainer keeps what it has."
	$(BIN)/trainer demo --if-empty
	@echo
	@echo "Trainer is starting on http://$(HOST):$(PORT)"
	@echo "Demo logins:"
	@sed 's/^/  /' "$(TRAINER_INSTANCE_PATH)/demo-logins.txt"
	@echo
	$(BIN)/trainer run --host $(HOST) --port $(PORT)

chromium:
	@scripts/ensure-chromium

xmlsec1:
	@scripts/ensure-xmlsec1

# axe-core (accessibility checks injected by the browser tests), pinned in package-lock.json.
BROWSER_JS := tests/browser/node_modules/axe-core/axe.min.js
$(BROWSER_JS): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

browser-js: $(BROWSER_JS)

# oidc-provider (the real OpenID Provider the SSO tests sign in with), pinned in package-lock.json.
IDP_JS := tests/idp/node_modules/oidc-provider/package.json
$(IDP_JS): tests/idp/package-lock.json
	cd tests/idp && npm ci --no-audit --no-fund
	touch $@

idp-js: $(IDP_JS)

lint: setup-dev lock-check
	$(BIN)/ruff check .

# mypy over trainer/ (settings in pyproject.toml); it must report no errors.
typecheck: setup-dev
	$(BIN)/mypy

test: setup-dev chromium xmlsec1 browser-js idp-js lint typecheck
	scripts/run-tests

# Refresh the lock after editing dependencies in pyproject.toml: keeps every locked version
# that still fits and resolves what changed; `make lock UPGRADE=1` moves everything to the
# newest versions the bounds allow. uv itself is pinned in the dev lock. See docs/operations.md.
UV := $(BIN)/uv
UV_EXPORT := $(UV) export --quiet --frozen --no-emit-project --format requirements-txt
lock: setup-dev
	$(UV) lock $(if $(UPGRADE),--upgrade)
	$(UV_EXPORT) --output-file $(RUN_LOCK)
	$(UV_EXPORT) --extra dev --output-file $(DEV_LOCK)

# Fails when pyproject.toml changed without `make lock`, or the exported files drifted.
lock-check: setup-dev
	@$(UV) lock --check --quiet || { echo "uv.lock is out of date with pyproject.toml: run make lock" >&2; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(UV_EXPORT) --output-file $$tmp/run.txt && $(UV_EXPORT) --extra dev --output-file $$tmp/dev.txt && \
	  for f in run dev; do sed 1,2d $$tmp/$$f.txt | cmp -s - <(sed 1,2d requirements/$$f.txt) \
	    || { echo "requirements/$$f.txt differs from uv.lock: run make lock" >&2; exit 1; }; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis tests/browser/node_modules tests/idp/node_modules

# Benchmarks (not part of `make test`): 1k/10k/50k employees on SQLite and PostgreSQL,
# wrk against gunicorn on 127.0.0.1. Takes tens of minutes; results in bench/results/.
bench: setup-dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; } \
	  || { echo "make bench needs wrk (apt-get install wrk)" >&2; exit 1; }
	HOME=$$(mktemp -d) $(BIN)/python bench/run.py $(BENCH_ARGS)

# README screenshots (docs/img/*.png), taken by the browser test of the demo.
screenshots: setup-dev chromium browser-js
	HOME=$$(mktemp -d) TRAINER_TEST_SCREENSHOT_DIR=$(CURDIR)/docs/img $(BIN)/pytest -q tests/browser/test_screenshots.py
