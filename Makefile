# Trainer: `make run` serves a demo on http://127.0.0.1:5000; `make test` runs what CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export TRAINER_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test lint setup setup-dev chromium browser-js clean bench screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes; the stamp files record the last install.
$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.run-deps

setup: $(VENV)/.run-deps
setup-dev: $(VENV)/.dev-deps

run: setup
	$(BIN)/trainer db upgrade
	$(BIN)/trainer courses import courses
	$(BIN)/trainer demo --if-empty
	@echo
	@echo "Trainer is starting on http://$(HOST):$(PORT)"
	@echo "Demo logins:"
	@sed 's/^/  /' "$(TRAINER_INSTANCE_PATH)/demo-logins.txt"
	@echo
	$(BIN)/trainer run --host $(HOST) --port $(PORT)

chromium:
	@scripts/ensure-chromium

# axe-core (accessibility checks injected by the browser tests), pinned in package-lock.json.
BROWSER_JS := tests/browser/node_modules/axe-core/axe.min.js
$(BROWSER_JS): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

browser-js: $(BROWSER_JS)

lint: setup-dev
	$(BIN)/ruff check .

test: setup-dev chromium browser-js lint
	scripts/run-tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis tests/browser/node_modules

# Benchmarks (not part of `make test`): 1k/10k/50k employees on SQLite and PostgreSQL,
# wrk against gunicorn on 127.0.0.1. Takes tens of minutes; results in bench/results/.
bench: setup-dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; } \
	  || { echo "make bench needs wrk (apt-get install wrk)" >&2; exit 1; }
	HOME=$$(mktemp -d) $(BIN)/python bench/run.py $(BENCH_ARGS)

# README screenshots (docs/img/*.png), taken by the browser test of the demo.
screenshots: setup-dev chromium browser-js
	HOME=$$(mktemp -d) TRAINER_TEST_SCREENSHOT_DIR=$(CURDIR)/docs/img $(BIN)/pytest -q tests/browser/test_screenshots.py
