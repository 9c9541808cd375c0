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
NGINX := /usr/sbin/nginx
APPS ?= 2
WORKERS ?= 2

.PHONY: setup db run cluster nginx lint test test-sqlite test-postgres browser bench bench-import bench-search bench-wordpress screenshots messages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The interface's translations (ngo/translations/<language>/LC_MESSAGES/*.po), compiled
# into the .mo files the app reads; .mo files are built here, never committed.
CATALOGS := $(wildcard ngo/translations/*/LC_MESSAGES/*.po)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@ 2>&1 | grep -v '^compiling' || true
	@test -s $@

setup: $(STAMP) $(CATALOGS:.po=.mo)

# Extract every translatable string into the two catalogs' templates and bring each
# language's .po up to date (new strings empty, changed ones fuzzy: translate them,
# then tests/test_translations.py passes again).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --ignore-dirs='.* _* admin' \
	  --project=ngo --version=1 -c Translators: -k _l -k lazy_gettext -k ngettext:1,2 -o ngo/translations/messages.pot ngo
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output \
	  --project=ngo --version=1 -c Translators: -k _l -k lazy_gettext -k ngettext:1,2 -o ngo/translations/admin.pot ngo/admin ngo/templates/admin
	for domain in messages admin; do for lang in hy ru; do \
	  if [ -f ngo/translations/$$lang/LC_MESSAGES/$$domain.po ]; then \
	    $(BIN)/pybabel update --no-wrap --ignore-obsolete -D $$domain -l $$lang -i ngo/translations/$$domain.pot -d ngo/translations; \
	  else $(BIN)/pybabel init --no-wrap -D $$domain -l $$lang -i ngo/translations/$$domain.pot -d ngo/translations; fi; \
	done; done

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo

run: db
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# nginx (Debian's, brotli where its module installs) in front of APPS gunicorn servers
# of WORKERS workers on NGO_DATABASE_URL (default instance/ngo.db: `make db` first for
# the demo content), in the foreground; Ctrl-C or SIGTERM stops all of it.
cluster: setup nginx
	$(BIN)/python tools/cluster.py --port $(PORT) --apps $(APPS) --workers $(WORKERS)

# The cluster and its tests run Debian's nginx.
nginx:
	@test -x $(NGINX) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-brotli-filter; \
	  else echo "Install Debian's nginx (apt-get install nginx) for make cluster and its tests." >&2; exit 1; fi; }

# Browser tests drive Debian's Chromium; never a downloaded browser.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Install Debian's chromium (apt-get install chromium) for the browser tests." >&2; exit 1; fi; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Lint first, then both suites; each makes its own databases, never instance/.
test: lint browser nginx test-sqlite test-postgres

test-sqlite: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup

test-postgres: setup
	NGO_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup

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

# Search at 100,000 generated statements: median and 95th percentile of typical
# queries (common and rare words, phrases, Armenian, Russian, prefixes) on SQLite
# (bench/results/) and a scratch PostgreSQL database (NGO_BENCH_PG_URL). Target:
# a median of 20 ms or less. BENCH_SEARCH_ARGS: see --help.
bench-search: setup
	$(BIN)/python bench/search.py $(BENCH_SEARCH_ARGS)

# flask import-wordpress of a generated export of 10,000 posts and 100,000 comments:
# time and peak resident memory, on SQLite (bench/results/) and a scratch PostgreSQL
# database (NGO_BENCH_PG_URL). Targets: under 2 minutes, under 300 MB.
bench-wordpress: setup
	$(BIN)/python bench/wordpress_import.py $(BENCH_WORDPRESS_ARGS)

# PNGs of the main pages (default, and white on black at 200% text; 1280 and 320 px;
# JavaScript off) into docs/screenshots/, from a scratch database, never instance/.
screenshots: setup browser
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) instance/ngo.db* .pytest_cache ngo/translations/*/LC_MESSAGES/*.mo
