# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test setup data lint format clean chromium redis wrk bench package-check

run: data ## set everything up, load the data, start the app on http://127.0.0.1:8000
	$(BIN)/python manage.py create_dev_login
	$(WITH_WORKER) $(BIN)/python manage.py runserver 127.0.0.1:8000

# --- Background work (README "Background work") ------------------------------
# Put before a command in a recipe: starts the task queue's worker and scheduler
# (manage.py qcluster) beside that command and stops it when the command ends,
# by Ctrl-C or SIGTERM to make's process group too. `make run` uses it with
# runserver; a production recipe can use it with gunicorn. The worker gets a
# session of its own and is stopped through its main process only: django-q2
# 1.11.1 hangs when SIGTERM reaches all its processes at once.
WITH_WORKER = setsid $(BIN)/python manage.py qcluster & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM;
# --- end of background work ---------------------------------------------------

# Production (README "Deploying"): settings from the environment, debug off.
# Checks them, migrates, collects and compresses the static files, then runs
# gunicorn (WEB_CONCURRENCY processes on BIND), whose master starts the task
# worker beside it and stops it with itself (kinderpardon/gunicorn_conf.py).
serve: export DJANGO_DEBUG := 0
serve: $(STAMP) ## production: gunicorn and the task worker (settings from the environment)
	$(BIN)/python manage.py check --deploy --fail-level ERROR
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	exec $(BIN)/gunicorn --config python:kinderpardon.gunicorn_conf kinderpardon.wsgi:application

test: $(STAMP) chromium redis ## the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	$(BIN)/pytest

# Browser tests use Debian's Chromium; Playwright never downloads a browser.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@[ -x "$(CHROMIUM)" ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

# The two-process test of the public data version needs a real Redis on
# 127.0.0.1:6379 (it uses db 5); started here, keeping nothing on disk.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
		command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server; }; \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no; \
		for _ in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; \
		redis-cli -h 127.0.0.1 -p 6379 ping; }

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

data: $(STAMP) ## migrate and import register, boundaries and the campaign's facts (idempotent)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_municipalities
	$(BIN)/python manage.py import_boundaries
	$(BIN)/python manage.py load_campaign_facts

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles build dist

# The wheel is what a deployment installs: build it, install it into a fresh
# virtualenv in a temporary directory (the checkout is not on its path), and
# check there that the app migrates, renders, translates and collects its files,
# and that it refuses to start when a place it writes to is not set.
package-check: $(STAMP) redis ## build the wheel and prove it runs outside the checkout
	rm -rf build dist
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && "$$tmp/venv/bin/pip" install --quiet dist/*.whl && \
	redis-cli -h 127.0.0.1 -p 6379 -n 4 flushdb >/dev/null && \
	cd "$$tmp" && unset PYTHONPATH && \
	export DJANGO_SETTINGS_MODULE=kinderpardon.settings DJANGO_DEBUG=0 ALLOWED_HOSTS=testserver \
		SITE_URL=https://motietracker.example REDIS_URL=redis://127.0.0.1:6379/4 \
		SECRET_KEY="package-check-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" \
		DATABASE_URL="sqlite:///$$tmp/db.sqlite3" STATIC_ROOT="$$tmp/static" \
		MEDIA_ROOT="$$tmp/media" PRIVATE_MEDIA_ROOT="$$tmp/private-media" \
		REFERENCE_DATA="$(CURDIR)/../shared/data" && \
	! env -u MEDIA_ROOT "$$tmp/venv/bin/django-admin" check 2>"$$tmp/refused" && \
	grep -q "MEDIA_ROOT must be set" "$$tmp/refused" && \
	"$$tmp/venv/bin/django-admin" check && \
	"$$tmp/venv/bin/python" "$(CURDIR)/.ci/installed_smoke.py"

# The benchmark's served half loads gunicorn with wrk, from Debian.
wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }

# SQLite always; PostgreSQL too when a PostgreSQL server answers on
# 127.0.0.1:5432; Redis (started as for the tests) serves both, as production
# needs a shared cache. QUICK=1: 1x data
# only, fewer runs, shorter wrk runs, to try it out. README "Benchmarks".
bench: $(STAMP) wrk redis ## benchmarks: imports, every page at 1x/10x/100x data, gunicorn vs hello-world
	$(if $(QUICK),BENCH_FACTORS=1 BENCH_RUNS=5 BENCH_WRK_SECONDS=2) $(BIN)/python -m bench.run

# --- Backups (backup branch): README "Backups" ------------------------------
# One archive with the database and every uploaded file, readable by its owner
# only, in BACKUP_DIR; `make restore ARCHIVE=path` puts one back (FORCE=1 to
# replace a database that holds data). The archive holds personal data.
BACKUP_DIR ?= backups
.PHONY: backup restore
backup: $(STAMP) ## one archive with the database and the uploaded files, in $(BACKUP_DIR)/
	mkdir -p -m 700 "$(BACKUP_DIR)"
	$(BIN)/python manage.py backup --output "$(BACKUP_DIR)"

restore: $(STAMP) ## put an archive back: make restore ARCHIVE=path [FORCE=1]
	@[ -n "$(ARCHIVE)" ] || { echo "Gebruik: make restore ARCHIVE=pad/naar/archief.zip [FORCE=1]" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(ARCHIVE)" $(if $(FORCE),--force)
# --- end of the backups block ---

# --- issue 12, load test (bench/load.py; README "Load test") ---
# The app through gunicorn as in production under a mix of public pages, report
# posts from many loopback addresses and a logged-in volunteer, on SQLite + Redis
# and, when a PostgreSQL server answers on 127.0.0.1:5432, PostgreSQL + Redis
# (Redis dbs 8 and 9, emptied first). Bounded by LOAD_SECONDS (20) and
# LOAD_MAX_REQUESTS (50000); the rate limits are raised for the run only.
.PHONY: load
load: $(STAMP) redis ## load test: mixed visitors through gunicorn; fails on any error or lost report
	$(BIN)/python -m bench.load
# --- end of issue 12, load test ---
