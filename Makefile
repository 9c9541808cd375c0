# ngo: `make run` serves the site, `make test` lints (`make lint`) then runs every test,
# `make bench` measures speed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ngo
STAMP := $(VENV)/.installed-stamp
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PORT ?= 5000
CHROMIUM := /usr/bin/chromium

.PHONY: setup db run lint test test-sqlite test-postgres browser bench bench-import screenshots clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo

run: db
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Browser tests drive Debian's Chromium; never a downloaded browser.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Install Debian's chromium (apt-get install chromium) for the browser tests." >&2; exit 1; fi; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Lint first, then both suites; each makes its own databases, never instance/.
test: lint browser test-sqlite test-postgres

test-sqlite: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2

test-postgres: setup
	NGO_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q -p no:cacheprovider -n 2

# Load from wrk (Debian's package) against gunicorn on a scratch database under
# bench/results/, never instance/ngo.db. BENCH_ARGS passes options: see
# `$(BIN)/python bench/run.py --help`.
bench: setup
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "Install Debian's wrk (apt-get install wrk) for make bench." >&2; exit 1; fi; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Imports of 1,000 files and editor saves, into an empty database and one of 100,000
# generated statements, on SQLite (bench/results/) and on a scratch database of the
# PostgreSQL test server (NGO_BENCH_PG_URL). BENCH_IMPORT_ARGS: see --help.
bench-import: setup
	$(BIN)/python bench/import_speed.py $(BENCH_IMPORT_ARGS)

# PNGs of the main pages (default, and white on black at 200% text; 1280 and 320 px;
# JavaScript off) into docs/screenshots/, from a scratch database, never instance/.
screenshots: setup browser
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) instance/ngo.db* .pytest_cache
