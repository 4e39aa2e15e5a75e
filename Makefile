# ZJTX — make help lists every target.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.DEFAULT_GOAL := help

help: ## List every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed ## Install everything into .venv (idempotent)

migrate: setup ## Apply database migrations and load reference data
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py load_policies

demo: migrate ## Load demo data once (no-op when present)
	$(BIN)/python manage.py seed_demo

run: demo ## Install, migrate, load demo data, serve at 127.0.0.1:$(PORT) with a task worker
	$(BIN)/python manage.py demo_logins
	@# The database task worker runs beside the development server and stops with it.
	@$(BIN)/python manage.py db_worker --queue-name '*' --interval 1 --no-reload & \
	  WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: setup ## Run the background task worker (database backend, or RQ when ZJTX_TASK_BACKEND=rq)
	bash deploy/bin/zjtx-worker

scheduler: setup ## Run the periodic jobs on their timetable (run_scheduler; --list shows it)
	$(BIN)/python manage.py run_scheduler

surge: setup ## Deadline surge on PostgreSQL: 500 firms in 60 s (USERS=, WINDOW= for other forms)
	bash bench/surge/run_surge.sh --users $(or $(USERS),500) --window $(or $(WINDOW),60)

test: setup ## Run the test suite (SQLite unless DATABASE_URL is set)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -q -m "not e2e" -n 2

e2e: setup ## Browser tests with Debian's chromium (/usr/bin/chromium)
	DJANGO_SETTINGS_MODULE=config.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -q -m e2e

lint: setup ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: setup ## mypy
	$(BIN)/mypy zjtx config

messages: setup ## Extract and compile translations per app (needs GNU gettext)
	@for d in config zjtx/*/; do \
	  if [ -d $$d/locale ]; then \
	    (cd $$d && PYTHONPATH=$(CURDIR) $(CURDIR)/$(BIN)/django-admin makemessages -l zh_Hans --no-location && \
	     PYTHONPATH=$(CURDIR) $(CURDIR)/$(BIN)/django-admin compilemessages) || exit 1; \
	  fi; \
	done

check: setup ## ruff, mypy, makemigrations --check, tests
	$(MAKE) lint types
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check
	$(MAKE) test

fuzz: setup ## Fuzz the API (schemathesis, ~5 min) on a fresh demo database; fails on any 5xx
	bash .ci/fuzz

bench: setup ## Benchmarks that print ratios against floors measured in the same run
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean: ## Remove the virtualenv and the local SQLite database
	rm -rf $(VENV) var/

.PHONY: help setup migrate demo run worker scheduler surge test e2e lint types messages check fuzz bench clean
