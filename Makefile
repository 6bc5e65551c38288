# LDN Journal — the two commands: `make run` (demo clinic on SQLite) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
ADDRESS ?= 127.0.0.1:8000
SYSTEM_PYTHON ?= python3

.PHONY: run test lint install chromium demo-reset bench lock drills

# Installs exactly what requirements.lock pins (hashes checked), then the project itself.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(SYSTEM_PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

.env:
	printf 'DEBUG=true\n' > .env

# Install the app, migrate, seed the demo clinic if missing, serve on http://127.0.0.1:8000
# (or ADDRESS=…) with the background worker (mail) beside it. Ctrl-C stops both.
run: install .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py worker & worker=$$!; \
	  trap 'kill $$worker $$(pgrep -P $$worker) 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(ADDRESS)

demo-reset: install .env
	$(PY) manage.py seed_demo --reset

# Browser tests need Debian's chromium; install it when we may (root), else they skip.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and not root: browser tests will skip"; fi; }

# After changing the dependencies in pyproject.toml: pin them again (needs the registry).
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes \
	  --quiet -o requirements.lock

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	find . -name '*.py' -not -path './.venv/*' -not -path './journal/migrations/*' -print0 \
	  | xargs -0 $(VENV)/bin/django-upgrade --target-version 5.2 --check
	find templates -name '*.html' -print0 | xargs -0 $(VENV)/bin/djade --target-version 5.2 --check
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run

# The whole suite: lint, migrations check, unit, database and browser tests.
# COVERAGE=1 (as in CI) adds a statement-coverage report of journal/, files fully covered left out.
test: install chromium lint
	$(VENV)/bin/pytest $(if $(COVERAGE),--cov=journal --cov-report=term:skip-covered,)

# The goals P1–P4 as ratios against baselines measured in the same run, on SQLite and, when
# DATABASE_URL=postgres://… names one, on PostgreSQL too (README, "make bench"). Never fails on a figure.
bench: install
	$(PY) -m benchmarks

# The reliability drills, on PostgreSQL (DATABASE_URL=postgres://…): gunicorn workers killed
# under load, two app servers on one database, dump → restore. Prints the figures.
drills: install
	$(PY) -m drills
