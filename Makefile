# Etappen: build, run and test. GNU make; `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
HOST := 127.0.0.1
PORT ?= 5000
# Absolute links (mails, feeds, API, sitemap, embed snippets) name the address `make run`
# serves, unless the caller set BASE_URL.
RUN_BASE_URL := $(or $(BASE_URL),http://$(HOST):$(PORT))
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
FLASK := $(PY) -m flask
PYBABEL := $(VENV)/bin/pybabel
PYTEST_ARGS ?=
TEST_DATABASE_URL_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
POSTGRES_CHECK_DATABASE ?= etappen_ci
POSTGRES_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

export FLASK_APP := wsgi
# `make test` always uses SQLite; `make test-postgres` sets its own URL.
unexport TEST_DATABASE_URL

# Stamp files: reinstall only when a requirements or lock file changed.
REQ_STAMP := $(VENV)/.requirements.stamp
TEST_REQ_STAMP := $(VENV)/.requirements-test.stamp
NODE_STAMP := node_modules/.install.stamp
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help run test test-postgres check-migrations check-migrations-postgres translations \
        compile-translations install install-test java pdf-libs check-nginx clean

help:
	@echo "make run                        serve the demo portal on http://$(HOST):$(PORT)"
	@echo "make test                       install the test tools and run the whole test suite"
	@echo "make test-postgres              run the tests marked 'postgres' against PostgreSQL"
	@echo "make check-migrations           upgrade a fresh SQLite database and run 'flask db check'"
	@echo "make check-migrations-postgres  the same on a scratch PostgreSQL database"
	@echo "make translations               extract messages, update the catalogs, compile them"
	@echo "make check-nginx                install nginx if missing, run nginx -t on deploy/nginx.conf.example"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(REQ_STAMP): requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(TEST_REQ_STAMP): requirements-test.txt $(REQ_STAMP)
	$(PIP) install -r requirements-test.txt
	touch $@

install: $(REQ_STAMP) pdf-libs
install-test: $(TEST_REQ_STAMP) pdf-libs

# WeasyPrint (status report PDFs) needs Pango, HarfBuzz's subsetter and a font; Debian packages,
# installed only when one is missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@missing=$$(for p in $(PDF_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update && apt-get install -y $$missing; fi

# --ignore-scripts: vnu-jar's install script would download a Java runtime; the system's java runs it.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(CHROMIUM):
	apt-get update
	apt-get install -y chromium

# nginx-light: the smallest Debian package with the modules the example uses (ssl, http2, proxy).
$(NGINX):
	apt-get update
	apt-get install -y nginx-light

# nginx -t on the example in a throwaway main configuration (tests/test_deploy_nginx.py runs it too).
check-nginx: $(NGINX)
	deploy/check-nginx-config deploy/nginx.conf.example

java:
	@command -v java >/dev/null || { apt-get update && apt-get install -y default-jre-headless; }

# Compiled catalogs are not committed; every build compiles them from the .po files.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(REQ_STAMP)
	$(PYBABEL) compile -d translations -l $*

compile-translations: $(MO_FILES)

translations: $(REQ_STAMP)
	$(PYBABEL) extract -F babel.cfg --ignore-dirs='.* ._ node_modules instance translations tests migrations' \
		-k _l -k lazy_gettext -k lazy_ngettext:1,2 --project=Etappen -o translations/messages.pot .
	if [ -f translations/en/LC_MESSAGES/messages.po ]; then \
		$(PYBABEL) update -i translations/messages.pot -d translations -l en; \
	else \
		$(PYBABEL) init -i translations/messages.pot -d translations -l en; \
	fi
	$(PYBABEL) compile -d translations

run: $(REQ_STAMP) pdf-libs compile-translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	BASE_URL="$(RUN_BASE_URL)" $(FLASK) run --host $(HOST) --port $(PORT)

test: $(TEST_REQ_STAMP) $(NODE_STAMP) $(CHROMIUM) $(NGINX) java pdf-libs compile-translations
	$(PY) -m pytest -n 2 --dist loadfile --durations=10 $(PYTEST_ARGS)

# Serial: every test recreates the tables of the one PostgreSQL test database.
test-postgres: $(TEST_REQ_STAMP) compile-translations
	TEST_DATABASE_URL=$(TEST_DATABASE_URL_POSTGRES) $(PY) -m pytest -m postgres $(PYTEST_ARGS)

check-migrations: $(REQ_STAMP)
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export DATABASE_URL="sqlite:///$$tmp/check.sqlite"; \
	$(FLASK) db upgrade && $(FLASK) db check

check-migrations-postgres: $(REQ_STAMP)
	psql "$(POSTGRES_ADMIN_URL)" -v ON_ERROR_STOP=1 -q \
		-c 'DROP DATABASE IF EXISTS $(POSTGRES_CHECK_DATABASE)' -c 'CREATE DATABASE $(POSTGRES_CHECK_DATABASE)'
	export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$(POSTGRES_CHECK_DATABASE)"; \
	status=0; $(FLASK) db upgrade && $(FLASK) db check || status=$$?; \
	psql "$(POSTGRES_ADMIN_URL)" -q -c 'DROP DATABASE IF EXISTS $(POSTGRES_CHECK_DATABASE)'; \
	exit $$status

clean:
	rm -rf $(VENV) node_modules translations/*/LC_MESSAGES/*.mo

.PHONY: test-ops
# Production setup (tests marked `ops`): backup/restore, two app processes on one database and
# Redis, crash safety. First on SQLite, then the `postgres` ones against PostgreSQL.
test-ops: $(TEST_REQ_STAMP) compile-translations
	$(PY) -m pytest -m ops $(PYTEST_ARGS)
	TEST_DATABASE_URL=$(TEST_DATABASE_URL_POSTGRES) $(PY) -m pytest -m "ops and postgres" $(PYTEST_ARGS)

.PHONY: bench
# The performance benchmark (BENCHMARKS.md): large and demo datasets in SQLite and PostgreSQL,
# gunicorn with 2 workers, wrk against the portal (page cache on and off; the PostgreSQL part
# uses Redis db 15 for the cache) and a one-route hello app, results in bench/results/.
# BENCH_ARGS="--scale 0.02 --databases sqlite" for a quick try.
BENCH_ARGS ?=
bench: $(REQ_STAMP) compile-translations
	@command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
	$(PY) -m bench.run $(BENCH_ARGS)
