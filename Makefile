# telereg: `make demo` runs it, `make test` proves it. Both set everything up themselves.
# `make up` / `make down` run the production topology on this machine (docs/operations.md).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: screenshots install demo up down backup restore test test-inner bench bench-inner load lint fmt clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	scripts/demo.sh

up: install
	scripts/up.sh

down:
	scripts/down.sh

backup: install
	scripts/backup.sh

restore: install
	scripts/restore.sh $(FILE)

test: install
	scripts/ensure-chromium.sh
	scripts/with-postgres.sh $(MAKE) --no-print-directory test-inner

test-inner:
	$(PY) -m ruff check .
	SECRET_KEY=ci $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

bench: install
	PG_DURABLE=1 scripts/with-postgres.sh $(MAKE) --no-print-directory bench-inner

load: install
	PG_DURABLE=1 scripts/with-postgres.sh $(MAKE) --no-print-directory bench-inner BENCH_ARGS=load

bench-inner:
	SECRET_KEY=bench DJANGO_SETTINGS_MODULE=config.settings $(PY) -m bench $(BENCH_ARGS)

lint: install
	$(PY) -m ruff check .

fmt: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf var/ .pytest_cache

# Desktop and phone screenshots of every public page (docs/screenshots/), from a live
# test server with demo-like data, through Debian's chromium (tests/portal/test_screenshots.py).
screenshots: install
	scripts/ensure-chromium.sh
	PORTAL_SCREENSHOTS=docs/screenshots scripts/with-postgres.sh $(PY) -m pytest -q -n 0 tests/portal/test_screenshots.py
