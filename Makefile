# Scrollkeeper: `make run` to use it, `make test` for everything CI checks.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := .uv/bin/uv
NPM := npm --prefix frontend
PYTEST_WORKERS ?= 2

.PHONY: help run test lint typecheck check migrations-check compose-check api-types-check \
        backend-test frontend-test chromium bench corpus install build clean api-types

help:
	@echo "make run    install everything, build the UI, migrate and serve (http://localhost:8000/)"
	@echo "make test   lint, type check, backend, frontend and browser tests (what CI runs)"
	@echo "make bench  benchmarks against a baseline measured in the same run"

# --- installation --------------------------------------------------------------------------------

$(UV):
	@python=$$(scripts/find-python) && "$$python" -m venv .uv && .uv/bin/pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	@python=$$(scripts/find-python) && $(UV) sync --frozen --compile-bytecode --python "$$python" --quiet
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed frontend/node_modules/.installed

FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	$(NPM) run build --silent -- --logLevel warn

build: frontend/dist/index.html

# --- running -------------------------------------------------------------------------------------

run: install build
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py serve

# --- checks --------------------------------------------------------------------------------------

test: lint typecheck check migrations-check compose-check api-types-check frontend-test backend-test

lint: $(VENV)/.installed frontend/node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(NPM) run format:check --silent

typecheck: $(VENV)/.installed frontend/node_modules/.installed
	$(VENV)/bin/mypy .
	$(NPM) run typecheck --silent

check: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=scrollkeeper.settings.test $(PY) manage.py check --fail-level WARNING

migrations-check: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=scrollkeeper.settings.test $(PY) manage.py makemigrations --check --dry-run

compose-check: $(VENV)/.installed
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker/compose.yaml

# The frontend's API types are generated from the OpenAPI schema; a stale copy fails here.
api-types-check: $(VENV)/.installed frontend/node_modules/.installed
	@mkdir -p var
	@DJANGO_SETTINGS_MODULE=scrollkeeper.settings.test $(PY) manage.py spectacular --format openapi-json --validate --fail-on-warn --file var/openapi.json
	@frontend/node_modules/.bin/openapi-typescript var/openapi.json -o var/schema.d.ts >/dev/null
	@diff -u frontend/src/api/schema.d.ts var/schema.d.ts || { echo "frontend/src/api/schema.d.ts is stale: run 'make api-types'"; exit 1; }

api-types: $(VENV)/.installed frontend/node_modules/.installed
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=scrollkeeper.settings.test $(PY) manage.py spectacular --format openapi-json --validate --fail-on-warn --file var/openapi.json
	$(NPM) run gen:api

frontend-test: frontend/node_modules/.installed
	$(NPM) test --silent

backend-test: $(VENV)/.installed build chromium
	$(PY) -m pytest -n $(PYTEST_WORKERS)

chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -q chromium >/dev/null; }

bench: $(VENV)/.installed
	$(PY) -m bench

# The real-world PDFs of the benchmarks, rebuilt from pinned packages (bench/corpus.tsv) into var/corpus.
corpus: | $(UV)
	.uv/bin/python scripts/build-corpus var/corpus

clean:
	rm -rf $(VENV) .uv frontend/node_modules frontend/dist var
