# LDN Journal — the two commands: `make run` (demo clinic on SQLite) and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
ADDRESS ?= 127.0.0.1:8000
SYSTEM_PYTHON ?= python3
TEST_WORKERS ?= auto

.PHONY: run test lint install chromium demo-reset bench lock drills plotly messages

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

# The charts' plotly.js: the official "basic" bundle (scatter traces, shapes, annotations —
# all the figures use), a quarter of the full one. It is committed under static/vendor, so an
# install needs neither Node nor the network; `make plotly` fetches it again from the npm
# registry and checks the download and the file against the pins below (after a version
# change: update all three, then check the charts in the browser tests).
PLOTLY_VERSION := 4.1.1
PLOTLY_TARBALL_SHA256 := ea907f854b6cec4f6a2fa71540ec019a21ed2c61e6a109ddd5c072103a96eed0
PLOTLY_JS_SHA256 := 99784e3abfb07b142a15e521a439e6d9addceadb3f79553fd24c72774f0649ba
plotly:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	curl -sSfL -o "$$tmp/plotly.tgz" \
	  https://registry.npmjs.org/plotly.js-basic-dist-min/-/plotly.js-basic-dist-min-$(PLOTLY_VERSION).tgz && \
	echo "$(PLOTLY_TARBALL_SHA256)  $$tmp/plotly.tgz" | sha256sum --check --quiet && \
	tar -xzf "$$tmp/plotly.tgz" -C "$$tmp" package/plotly-basic.min.js package/LICENSE && \
	echo "$(PLOTLY_JS_SHA256)  $$tmp/package/plotly-basic.min.js" | sha256sum --check --quiet && \
	mkdir -p static/vendor && \
	cp "$$tmp/package/plotly-basic.min.js" static/vendor/plotly-basic.min.js && \
	cp "$$tmp/package/LICENSE" static/vendor/plotly-basic.LICENSE.txt

# After marking or changing a string: bring it into the Spanish and German catalogues
# (locale/*/LC_MESSAGES/django.po; translate each new or changed entry there) and compile them.
# The compiled .mo files are committed, so `make run` needs no gettext; this target does
# (apt-get install gettext). tests/test_languages.py fails on an untranslated, fuzzy or
# uncompiled message.
LOCALE_IGNORE := -i '.venv/*' -i 'tests/*' -i 'benchmarks/*' -i 'drills/*' -i 'staticfiles/*' \
  -i 'test-artifacts/*' -i 'docs/*'
messages: install
	DEBUG=true $(PY) manage.py makemessages -l es -l de --no-obsolete --no-location $(LOCALE_IGNORE)
	DEBUG=true $(PY) manage.py compilemessages -l es -l de

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	find . -name '*.py' -not -path './.venv/*' -not -path './journal/migrations/*' -print0 \
	  | xargs -0 $(VENV)/bin/django-upgrade --target-version 5.2 --check
	find templates -name '*.html' -print0 | xargs -0 $(VENV)/bin/djade --target-version 5.2 --check
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run

# The whole suite: lint, migrations check, unit, database and browser tests, on every core
# (pytest-xdist, each worker with its own test database; TEST_WORKERS=0 runs them in one process).
# COVERAGE=1 (as in CI) adds a statement-coverage report of journal/, files fully covered left out.
test: install chromium lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(if $(COVERAGE),--cov=journal --cov-report=term:skip-covered,)

# The goals P1–P5 as ratios against baselines measured in the same run, on SQLite and, when
# DATABASE_URL=postgres://… names one, on PostgreSQL too (README, "make bench"). Never fails on a figure.
bench: install
	$(PY) -m benchmarks

# The reliability drills, on PostgreSQL (DATABASE_URL=postgres://…): gunicorn workers killed
# under load, two app servers on one database, dump → restore. Prints the figures.
drills: install
	$(PY) -m drills
